package org.conceptprune.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.conceptprune.nn.BatchNorm2d;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.nn.Scope;

/**
 * torchvision's {@code Bottleneck} (ResNet v1.5: the stride sits on the 3x3 convolution):
 * <pre>
 *   out = relu(bn1(conv1(x)))          1x1, in -> width
 *   out = relu(bn2(conv2(out)))        3x3, stride s, width -> width
 *   out = bn3(conv3(out))              1x1, width -> 4 width
 *   y   = relu(out + identity)         identity = downsample(x) = bn(conv1x1 stride s (x)) when the
 *                                      shape changes, else x
 * </pre>
 */
public final class Bottleneck extends Module {
  public static final int EXPANSION = 4;
  static final float BN_EPS = 1e-5f;

  private final Conv2d conv1;
  private final BatchNorm2d bn1;
  private final Conv2d conv2;
  private final BatchNorm2d bn2;
  private final Conv2d conv3;
  private final BatchNorm2d bn3;
  private final Conv2d downConv;
  private final BatchNorm2d downBn;

  /** @param width the bottleneck width ("planes"); the block outputs 4 width channels */
  public Bottleneck(int in, int width, int stride) {
    int out = width * EXPANSION;
    conv1 = child("conv1", new Conv2d(in, width, 1, 1, 0, false));
    bn1 = child("bn1", new BatchNorm2d(width, BN_EPS));
    conv2 = child("conv2", new Conv2d(width, width, 3, stride, 1, false));
    bn2 = child("bn2", new BatchNorm2d(width, BN_EPS));
    conv3 = child("conv3", new Conv2d(width, out, 1, 1, 0, false));
    bn3 = child("bn3", new BatchNorm2d(out, BN_EPS));
    if (stride != 1 || in != out) { // torchvision's nn.Sequential(conv1x1, BatchNorm2d)
      downConv = child("downsample.0", new Conv2d(in, out, 1, stride, 0, false));
      downBn = child("downsample.1", new BatchNorm2d(out, BN_EPS));
    } else {
      downConv = null;
      downBn = null;
    }
  }

  public NDArray forward(NDArray x) { // [N, in, H, W] -> [N, 4 width, H/s, W/s]
    return Scope.run(x, () -> {
      NDArray h = Activation.relu(bn1.forward(conv1.forward(x)));
      h = Activation.relu(bn2.forward(conv2.forward(h)));
      h = bn3.forward(conv3.forward(h));
      NDArray identity = downConv == null ? x : downBn.forward(downConv.forward(x));
      NDArray sum = h.add(identity);
      NDArray y = Activation.relu(sum);
      Ops.close(sum);
      return y;
    });
  }
}
