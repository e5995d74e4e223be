package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Parameter;

/**
 * torch {@code nn.BatchNorm2d} in eval mode: y = (x - running_mean) / sqrt(running_var + eps) * weight + bias,
 * per channel of [N, C, H, W]. The checkpoint's {@code num_batches_tracked} is a counter, not a parameter.
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

  public NDArray forward(NDArray x) { // [N, C, H, W] -> same
    return x.getNDArrayInternal().batchNorm(x, runningMean.value(), runningVar.value(), weight.value(),
        bias.value(), 1, 0.1f, eps, false).singletonOrThrow();
  }

  /** True for checkpoint keys that are BatchNorm counters (skipped when loading). */
  public static boolean isCounter(String key) {
    return key.endsWith(".num_batches_tracked");
  }
}
