package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** 2-D convolution, weight [out, in, kh, kw], with or without bias. */
public final class Conv2d extends Module {
  private final Parameter weight;
  private final Parameter bias;
  private final Shape stride;
  private final Shape padding;

  public Conv2d(int in, int out, int kernel, int stride, int padding) {
    this(in, out, kernel, stride, padding, true);
  }

  public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
    this(in, out, kernel, kernel, stride, padding, padding, bias);
  }

  /** A rectangular kernel kh x kw with padding (ph, pw), as Inception's 1x7 / 7x1 convolutions. */
  public Conv2d(int in, int out, int kh, int kw, int stride, int ph, int pw, boolean bias) {
    this.weight = param("weight", out, in, kh, kw);
    this.bias = bias ? param("bias", out) : null;
    this.stride = new Shape(stride, stride);
    this.padding = new Shape(ph, pw);
  }

  public Parameter weight() {
    return weight;
  }

  public NDArray forward(NDArray x) { // [N, in, H, W] -> [N, out, H', W']
    long t0 = Profiler.start();
    NDArray r = ai.djl.nn.convolutional.Conv2d.conv2d(x, weight.value(), bias == null ? null : bias.value(), stride,
        padding, new Shape(1, 1), 1).singletonOrThrow();
    Profiler.stop("conv2d", t0);
    return r;
  }
}
