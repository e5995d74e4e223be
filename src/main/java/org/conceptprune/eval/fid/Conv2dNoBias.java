package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Parameter;
import org.conceptprune.nn.Profiler;

/** torch {@code nn.Conv2d(in, out, (kh, kw), stride, (ph, pw), bias=False)}: weight [out, in, kh, kw]. */
public final class Conv2dNoBias extends Module {
  private final Parameter weight;
  private final Shape stride;
  private final Shape padding;

  public Conv2dNoBias(int in, int out, int kh, int kw, int stride, int ph, int pw) {
    this.weight = param("weight", out, in, kh, kw);
    this.stride = new Shape(stride, stride);
    this.padding = new Shape(ph, pw);
  }

  public NDArray forward(NDArray x) { // [N, in, H, W] -> [N, out, H', W']
    long t0 = Profiler.start();
    NDArray r = ai.djl.nn.convolutional.Conv2d.conv2d(x, weight.value(), null, stride, padding,
        new Shape(1, 1), 1).singletonOrThrow();
    Profiler.stop("conv2d", t0);
    return r;
  }
}
