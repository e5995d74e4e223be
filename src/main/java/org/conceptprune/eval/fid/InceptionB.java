package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Module;

/**
 * torchvision's {@code InceptionB} (Mixed_6a, the 35 -> 17 reduction): [N, in, 35, 35] ->
 * [N, 480 + in, 17, 17] as 3x3/2 (384) | 1x1 -> 3x3 -> 3x3/2 (96) | maxpool 3x3/2 (in).
 */
public final class InceptionB extends Module implements InceptionBlock {
  private final BasicConv2d branch3x3;
  private final BasicConv2d branch3x3dbl_1;
  private final BasicConv2d branch3x3dbl_2;
  private final BasicConv2d branch3x3dbl_3;

  public InceptionB(int in) {
    branch3x3 = child("branch3x3", new BasicConv2d(in, 384, 3, 2, 0));
    branch3x3dbl_1 = child("branch3x3dbl_1", new BasicConv2d(in, 64, 1, 1, 0));
    branch3x3dbl_2 = child("branch3x3dbl_2", new BasicConv2d(64, 96, 3, 1, 1));
    branch3x3dbl_3 = child("branch3x3dbl_3", new BasicConv2d(96, 96, 3, 2, 0));
  }

  @Override
  public NDArray forward(NDArray x) {
    NDArray b3 = branch3x3.forward(x); // [N, 384, H', W']
    NDArray bd = branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x))); // [N, 96, H', W']
    NDArray bp = InceptionPools.max3x3Stride2(x); // [N, in, H', W']
    return InceptionPools.catChannels(b3, bd, bp);
  }
}
