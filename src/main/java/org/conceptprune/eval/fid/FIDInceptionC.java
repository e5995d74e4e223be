package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Module;

/**
 * pytorch-fid's {@code FIDInceptionC} (torchvision's InceptionC with TensorFlow's average pool),
 * the factorised 7x7 block: [N, 768, 17, 17] -> [N, 768, 17, 17] as 1x1 (192) |
 * 1x1 -> 1x7 -> 7x1 (192) | 1x1 -> 7x1 -> 1x7 -> 7x1 -> 1x7 (192) | avgpool -> 1x1 (192).
 */
public final class FIDInceptionC extends Module implements InceptionBlock {
  private final BasicConv2d branch1x1;
  private final BasicConv2d branch7x7_1;
  private final BasicConv2d branch7x7_2;
  private final BasicConv2d branch7x7_3;
  private final BasicConv2d branch7x7dbl_1;
  private final BasicConv2d branch7x7dbl_2;
  private final BasicConv2d branch7x7dbl_3;
  private final BasicConv2d branch7x7dbl_4;
  private final BasicConv2d branch7x7dbl_5;
  private final BasicConv2d branchPool;

  public FIDInceptionC(int in, int c7) {
    branch1x1 = child("branch1x1", new BasicConv2d(in, 192, 1, 1, 0));
    branch7x7_1 = child("branch7x7_1", new BasicConv2d(in, c7, 1, 1, 0));
    branch7x7_2 = child("branch7x7_2", row7(c7, c7));
    branch7x7_3 = child("branch7x7_3", col7(c7, 192));
    branch7x7dbl_1 = child("branch7x7dbl_1", new BasicConv2d(in, c7, 1, 1, 0));
    branch7x7dbl_2 = child("branch7x7dbl_2", col7(c7, c7));
    branch7x7dbl_3 = child("branch7x7dbl_3", row7(c7, c7));
    branch7x7dbl_4 = child("branch7x7dbl_4", col7(c7, c7));
    branch7x7dbl_5 = child("branch7x7dbl_5", row7(c7, 192));
    branchPool = child("branch_pool", new BasicConv2d(in, 192, 1, 1, 0));
  }

  /** kernel (1, 7), padding (0, 3). */
  private static BasicConv2d row7(int in, int out) {
    return new BasicConv2d(in, out, 1, 7, 1, 0, 3);
  }

  /** kernel (7, 1), padding (3, 0). */
  private static BasicConv2d col7(int in, int out) {
    return new BasicConv2d(in, out, 7, 1, 1, 3, 0);
  }

  @Override
  public NDArray forward(NDArray x) {
    NDArray b1 = branch1x1.forward(x); // [N, 192, H, W]
    NDArray b7 = branch7x7_3.forward(branch7x7_2.forward(branch7x7_1.forward(x))); // [N, 192, H, W]
    NDArray bd = branch7x7dbl_1.forward(x);
    bd = branch7x7dbl_2.forward(bd);
    bd = branch7x7dbl_3.forward(bd);
    bd = branch7x7dbl_4.forward(bd);
    bd = branch7x7dbl_5.forward(bd); // [N, 192, H, W]
    NDArray bp = branchPool.forward(InceptionPools.avg3x3SameExcludePad(x)); // [N, 192, H, W]
    return InceptionPools.catChannels(b1, b7, bd, bp);
  }
}
