package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** LayerNorm over the last axis, with affine weight and bias. */
public final class LayerNorm extends Module {
  private final int dim;
  private final float eps;
  private final Parameter weight;
  private final Parameter bias;

  public LayerNorm(int dim, float eps) {
    this.dim = dim;
    this.eps = eps;
    this.weight = fp32Param("weight", dim);
    this.bias = fp32Param("bias", dim);
  }

  public NDArray forward(NDArray x) {
    long t0 = Profiler.start();
    NDArray r = ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(dim), weight.value(), bias.value(), eps).singletonOrThrow();
    Profiler.stop("layernorm", t0);
    return r;
  }
}
