package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;

/**
 * pytorch-fid's {@code FIDInceptionE_2} (Mixed_7c): InceptionE whose pool branch uses a 3x3 MAX pool,
 * as the TensorFlow FID graph does (the paper's design has an average pool there).
 */
public final class FIDInceptionE_2 extends InceptionE {
  public FIDInceptionE_2(int in) {
    super(in);
  }

  @Override
  protected NDArray pool(NDArray x) {
    return InceptionPools.max3x3Same(x);
  }
}
