package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Module;

/**
 * pytorch-fid's {@code FIDInceptionA} (torchvision's InceptionA with TensorFlow's average pool):
 * [N, in, 35, 35] -> [N, 224 + pool_features, 35, 35] as 1x1 (64) | 1x1 -> 5x5 (64) |
 * 1x1 -> 3x3 -> 3x3 (96) | avgpool (no padded zeros) -> 1x1 (pool_features).
 */
public final class FIDInceptionA extends Module implements InceptionBlock {
  private final BasicConv2d branch1x1;
  private final BasicConv2d branch5x5_1;
  private final BasicConv2d branch5x5_2;
  private final BasicConv2d branch3x3dbl_1;
  private final BasicConv2d branch3x3dbl_2;
  private final BasicConv2d branch3x3dbl_3;
  private final BasicConv2d branchPool;

  public FIDInceptionA(int in, int poolFeatures) {
    branch1x1 = child("branch1x1", new BasicConv2d(in, 64, 1, 1, 0));
    branch5x5_1 = child("branch5x5_1", new BasicConv2d(in, 48, 1, 1, 0));
    branch5x5_2 = child("branch5x5_2", new BasicConv2d(48, 64, 5, 1, 2));
    branch3x3dbl_1 = child("branch3x3dbl_1", new BasicConv2d(in, 64, 1, 1, 0));
    branch3x3dbl_2 = child("branch3x3dbl_2", new BasicConv2d(64, 96, 3, 1, 1));
    branch3x3dbl_3 = child("branch3x3dbl_3", new BasicConv2d(96, 96, 3, 1, 1));
    branchPool = child("branch_pool", new BasicConv2d(in, poolFeatures, 1, 1, 0));
  }

  @Override
  public NDArray forward(NDArray x) {
    NDArray b1 = branch1x1.forward(x); // [N, 64, H, W]
    NDArray b5 = branch5x5_2.forward(branch5x5_1.forward(x)); // [N, 64, H, W]
    NDArray b3 = branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x))); // [N, 96, H, W]
    NDArray bp = branchPool.forward(InceptionPools.avg3x3SameExcludePad(x)); // [N, pool_features, H, W]
    return InceptionPools.catChannels(b1, b5, b3, bp);
  }
}
