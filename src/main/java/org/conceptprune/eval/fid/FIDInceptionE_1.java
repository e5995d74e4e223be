package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;

/** pytorch-fid's {@code FIDInceptionE_1} (Mixed_7b): InceptionE with TensorFlow's average pool (padded zeros not counted). */
public final class FIDInceptionE_1 extends InceptionE {
  public FIDInceptionE_1(int in) {
    super(in);
  }

  @Override
  protected NDArray pool(NDArray x) {
    return InceptionPools.avg3x3SameExcludePad(x);
  }
}
