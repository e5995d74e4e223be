package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Module;

/**
 * torchvision's {@code InceptionD} (Mixed_7a, the 17 -> 8 reduction): [N, 768, 17, 17] ->
 * [N, 1280, 8, 8] as 1x1 -> 3x3/2 (320) | 1x1 -> 1x7 -> 7x1 -> 3x3/2 (192) | maxpool 3x3/2 (768).
 */
public final class InceptionD extends Module implements InceptionBlock {
  private final BasicConv2d branch3x3_1;
  private final BasicConv2d branch3x3_2;
  private final BasicConv2d branch7x7x3_1;
  private final BasicConv2d branch7x7x3_2;
  private final BasicConv2d branch7x7x3_3;
  private final BasicConv2d branch7x7x3_4;

  public InceptionD(int in) {
    branch3x3_1 = child("branch3x3_1", new BasicConv2d(in, 192, 1, 1, 0));
    branch3x3_2 = child("branch3x3_2", new BasicConv2d(192, 320, 3, 2, 0));
    branch7x7x3_1 = child("branch7x7x3_1", new BasicConv2d(in, 192, 1, 1, 0));
    branch7x7x3_2 = child("branch7x7x3_2", new BasicConv2d(192, 192, 1, 7, 1, 0, 3));
    branch7x7x3_3 = child("branch7x7x3_3", new BasicConv2d(192, 192, 7, 1, 1, 3, 0));
    branch7x7x3_4 = child("branch7x7x3_4", new BasicConv2d(192, 192, 3, 2, 0));
  }

  @Override
  public NDArray forward(NDArray x) {
    NDArray b3 = branch3x3_2.forward(branch3x3_1.forward(x)); // [N, 320, H', W']
    NDArray b7 = branch7x7x3_1.forward(x);
    b7 = branch7x7x3_2.forward(b7);
    b7 = branch7x7x3_3.forward(b7);
    b7 = branch7x7x3_4.forward(b7); // [N, 192, H', W']
    NDArray bp = InceptionPools.max3x3Stride2(x); // [N, in, H', W']
    return InceptionPools.catChannels(b3, b7, bp);
  }
}
