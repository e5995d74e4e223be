package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;

/**
 * torch's {@code nn.BatchNorm2d} in eval mode over [N, C, H, W]:
 * {@code y = (x - running_mean) / sqrt(running_var + eps) * weight + bias}, per channel.
 * The checkpoint's {@code num_batches_tracked} is a training counter, not a parameter
 * (see {@link #isCounter}).
 */
public final class BatchNorm2d extends Module {
  private final float eps;
  private final Parameter weight;
  private final Parameter bias;
  private final Parameter runningMean;
  private final Parameter runningVar;

  public BatchNorm2d(int channels, float eps) {
    this.eps = eps;
    this.weight = param("weight", channels);
    this.bias = param("bias", channels);
    this.runningMean = param("running_mean", channels);
    this.runningVar = param("running_var", channels);
  }

  public NDArray forward(NDArray x) { // [N, C, H, W] -> [N, C, H, W]
    long t0 = Profiler.start();
    NDArray r = ai.djl.nn.norm.BatchNorm.batchNorm(x, runningMean.value(), runningVar.value(), weight.value(),
        bias.value(), 1, 0.1f, eps, false).singletonOrThrow();
    Profiler.stop("batchnorm", t0);
    return r;
  }

  /** True for the BatchNorm step counters a torch state dict holds beside the statistics. */
  public static boolean isCounter(String key) {
    return key.endsWith("num_batches_tracked");
  }
}
