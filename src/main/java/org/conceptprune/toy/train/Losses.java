package org.conceptprune.toy.train;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Ops;

/** Losses built from NDArray ops (differentiable through libtorch autograd). */
public final class Losses {
  private Losses() {}

  /** Mean cross-entropy of logits [N, C] against integer labels. */
  public static NDArray crossEntropy(NDArray logits, int[] labels) {
    long c = logits.getShape().get(1);
    NDArray oh = logits.getManager().create(labels).oneHot((int) c);
    return Ops.div(logits.logSoftmax(1).mul(oh).sum().neg(), (float) labels.length);
  }

  /** Mean squared error. */
  public static NDArray mse(NDArray a, NDArray b) {
    return a.sub(b).square().mean();
  }

  /** Row-wise argmax of [N, C] as ints. */
  public static int[] argmax(NDArray logits) {
    long[] idx = logits.argMax(1).toLongArray();
    int[] out = new int[idx.length];
    for (int i = 0; i < idx.length; i++) out[i] = (int) idx[i];
    return out;
  }
}
