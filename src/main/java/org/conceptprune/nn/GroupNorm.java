package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * GroupNorm over [N, C, H, W]: statistics per (sample, group of C/G channels), then a per-channel
 * affine map. Computed as a layer norm over the flattened group, which is the same statistic; a bf16
 * input goes to libtorch's group_norm instead ({@link Bf16#groupNorm}), fp32 inside.
 */
public final class GroupNorm extends Module {
  private final int groups;
  private final int channels;
  private final float eps;
  private final Parameter weight;
  private final Parameter bias;

  public GroupNorm(int groups, int channels, float eps) {
    if (channels % groups != 0) {
      throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
    }
    this.groups = groups;
    this.channels = channels;
    this.eps = eps;
    this.weight = fp32Param("weight", channels);
    this.bias = fp32Param("bias", channels);
  }

  public NDArray forward(NDArray x) {
    long t0 = Profiler.start();
    if (Bf16.is(x)) {
      NDArray r = Bf16.groupNorm(x, groups, weight.value(), bias.value(), eps);
      Profiler.stop("groupnorm", t0);
      return r;
    }
    Shape s = x.getShape();
    long n = s.get(0);
    long groupSize = s.size() / n / groups;
    NDArray g = x.reshape(n, groups, groupSize);
    NDArray ones = g.getManager().ones(new Shape(groupSize), g.getDataType());
    NDArray zeros = g.getManager().zeros(new Shape(groupSize), g.getDataType());
    NDArray ln = ai.djl.nn.norm.LayerNorm.layerNorm(g, new Shape(groupSize), ones, zeros, eps).singletonOrThrow();
    NDArray normed = ln.reshape(s);
    long[] affine = new long[s.dimension()];
    java.util.Arrays.fill(affine, 1);
    affine[1] = channels;
    // Views of the weights are attached to the input's manager, so they are freed with the step.
    NDArray w = Ops.scoped(weight.value().reshape(new Shape(affine)), x);
    NDArray b = Ops.scoped(bias.value().reshape(new Shape(affine)), x);
    NDArray scaled = normed.mul(w);
    normed.close();
    NDArray r = scaled.add(b);
    Ops.close(scaled, ln, g, ones, zeros);
    Profiler.stop("groupnorm", t0);
    return r;
  }
}
