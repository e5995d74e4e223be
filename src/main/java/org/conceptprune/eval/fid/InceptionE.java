package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Module;

/**
 * torchvision's {@code InceptionE} (the expanded 8x8 blocks Mixed_7b / 7c): [N, in, 8, 8] ->
 * [N, 2048, 8, 8] as 1x1 (320) | 1x1 -> (1x3 | 3x1) (768) | 1x1 -> 3x3 -> (1x3 | 3x1) (768) |
 * pool -> 1x1 (192). pytorch-fid patches only the pool: {@link FIDInceptionE_1} and {@link FIDInceptionE_2}.
 */
public abstract class InceptionE extends Module implements InceptionBlock {
  private final BasicConv2d branch1x1;
  private final BasicConv2d branch3x3_1;
  private final BasicConv2d branch3x3_2a;
  private final BasicConv2d branch3x3_2b;
  private final BasicConv2d branch3x3dbl_1;
  private final BasicConv2d branch3x3dbl_2;
  private final BasicConv2d branch3x3dbl_3a;
  private final BasicConv2d branch3x3dbl_3b;
  private final BasicConv2d branchPool;

  protected InceptionE(int in) {
    branch1x1 = child("branch1x1", new BasicConv2d(in, 320, 1, 1, 0));
    branch3x3_1 = child("branch3x3_1", new BasicConv2d(in, 384, 1, 1, 0));
    branch3x3_2a = child("branch3x3_2a", new BasicConv2d(384, 384, 1, 3, 1, 0, 1));
    branch3x3_2b = child("branch3x3_2b", new BasicConv2d(384, 384, 3, 1, 1, 1, 0));
    branch3x3dbl_1 = child("branch3x3dbl_1", new BasicConv2d(in, 448, 1, 1, 0));
    branch3x3dbl_2 = child("branch3x3dbl_2", new BasicConv2d(448, 384, 3, 1, 1));
    branch3x3dbl_3a = child("branch3x3dbl_3a", new BasicConv2d(384, 384, 1, 3, 1, 0, 1));
    branch3x3dbl_3b = child("branch3x3dbl_3b", new BasicConv2d(384, 384, 3, 1, 1, 1, 0));
    branchPool = child("branch_pool", new BasicConv2d(in, 192, 1, 1, 0));
  }

  /** The pool branch's 3x3 stride-1 "same" pooling, before its 1x1 convolution. */
  protected abstract NDArray pool(NDArray x);

  @Override
  public NDArray forward(NDArray x) {
    NDArray b1 = branch1x1.forward(x); // [N, 320, H, W]
    NDArray t = branch3x3_1.forward(x); // [N, 384, H, W]
    NDArray b3 = InceptionPools.catChannels(branch3x3_2a.forward(t), branch3x3_2b.forward(t)); // [N, 768, H, W]
    t.close();
    NDArray d = branch3x3dbl_2.forward(branch3x3dbl_1.forward(x)); // [N, 384, H, W]
    NDArray bd = InceptionPools.catChannels(branch3x3dbl_3a.forward(d), branch3x3dbl_3b.forward(d)); // [N, 768, H, W]
    d.close();
    NDArray bp = branchPool.forward(pool(x)); // [N, 192, H, W]
    return InceptionPools.catChannels(b1, b3, bd, bp);
  }
}
