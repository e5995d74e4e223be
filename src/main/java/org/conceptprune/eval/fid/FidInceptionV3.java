package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Scope;
import org.conceptprune.nn.WeightLoader;
import org.conceptprune.util.UserError;

/**
 * pytorch-fid's FID Inception-v3 ({@code fid_inception_v3()}: torchvision's Inception3 with the FID
 * blocks, the TensorFlow 2015-12-05 graph) up to {@code pool3}, the 2048-d average-pooled features
 * of {@code InceptionV3([3])}. Children are named as its state_dict keys
 * ({@code Conv2d_1a_3x3.conv.weight}, {@code Mixed_7c.branch_pool.bn.running_var}, ...).
 *
 * <p>The checkpoint's classifier {@code fc} (2048 -> 1008) is not part of pool3: it is accepted, its
 * shape is checked (1008 classes tell the FID weights from torchvision's 1000-class ImageNet
 * Inception), and it is not loaded. A checkpoint without it loads too.
 */
public final class FidInceptionV3 extends Module {
  public static final int FEATURES = 2048;
  public static final long[] FC_WEIGHT = {1008, FEATURES};

  private final BasicConv2d conv1a;
  private final BasicConv2d conv2a;
  private final BasicConv2d conv2b;
  private final BasicConv2d conv3b;
  private final BasicConv2d conv4a;
  private final InceptionBlock[] mixed;

  public FidInceptionV3() {
    conv1a = child("Conv2d_1a_3x3", new BasicConv2d(3, 32, 3, 2, 0));
    conv2a = child("Conv2d_2a_3x3", new BasicConv2d(32, 32, 3, 1, 0));
    conv2b = child("Conv2d_2b_3x3", new BasicConv2d(32, 64, 3, 1, 1));
    conv3b = child("Conv2d_3b_1x1", new BasicConv2d(64, 80, 1, 1, 0));
    conv4a = child("Conv2d_4a_3x3", new BasicConv2d(80, 192, 3, 1, 0));
    mixed = new InceptionBlock[] {
      child("Mixed_5b", new FIDInceptionA(192, 32)),
      child("Mixed_5c", new FIDInceptionA(256, 64)),
      child("Mixed_5d", new FIDInceptionA(288, 64)),
      child("Mixed_6a", new InceptionB(288)),
      child("Mixed_6b", new FIDInceptionC(768, 128)),
      child("Mixed_6c", new FIDInceptionC(768, 160)),
      child("Mixed_6d", new FIDInceptionC(768, 160)),
      child("Mixed_6e", new FIDInceptionC(768, 192)),
      child("Mixed_7a", new InceptionD(768)),
      child("Mixed_7b", new FIDInceptionE_1(1280)),
      child("Mixed_7c", new FIDInceptionE_2(2048)),
    };
  }

  /** Keys present in pytorch-fid's checkpoint that pool3 does not use (never "unexpected"). */
  public static boolean isUnused(String key) {
    return key.equals("fc.weight") || key.equals("fc.bias") || BatchNorm2d.isCounter(key);
  }

  /** Builds the network and binds every parameter from {@code src} (fp32 in {@code manager}). */
  public static FidInceptionV3 load(TensorSource src, NDManager manager) {
    checkIsInception(src);
    checkClassifier(src);
    FidInceptionV3 m = new FidInceptionV3();
    WeightLoader.load("FID Inception-v3", m, src, manager, FidInceptionV3::isUnused, DataType.FLOAT32);
    return m;
  }

  /** A checkpoint without the stem is some other model: one line instead of 470 missing keys. */
  static void checkIsInception(TensorSource src) {
    String stem = "Conv2d_1a_3x3.conv.weight";
    if (!src.tensors().containsKey(stem)) {
      String some = String.join(", ", src.names().stream().limit(3).toList());
      throw new UserError(src.describe() + ": not pytorch-fid's FID Inception-v3 (no '" + stem + "'; "
          + src.names().size() + " tensors such as " + (some.isEmpty() ? "none" : some) + ")");
    }
  }

  /** The unused fc layer, when present, must have pytorch-fid's 1008 outputs (TensorFlow's classes). */
  static void checkClassifier(TensorSource src) {
    TensorInfo fc = src.tensors().get("fc.weight");
    if (fc != null && !Arrays.equals(fc.shape(), FC_WEIGHT)) {
      throw new UserError(src.describe() + ": fc.weight is " + fc.shapeString() + ", expected "
          + Arrays.toString(FC_WEIGHT) + " (pytorch-fid's pt_inception-2015-12-05 weights; a 1000-class"
          + " fc is torchvision's ImageNet Inception-v3, which gives different FIDs)");
    }
  }

  /**
   * pool3 features of pytorch-fid's {@code InceptionV3([3], resize_input=True, normalize_input=True)}.
   *
   * @param images [N, 3, H, W] in [0, 1], any H, W
   * @return [N, 2048]
   */
  public NDArray pool3(NDArray images) {
    NDArray x = FidPreprocess.toNetworkInput(images); // [N, 3, 299, 299]
    // block 0: to maxpool1
    x = step(x, h -> conv2b.forward(conv2a.forward(conv1a.forward(h)))); // [N, 64, 147, 147]
    x = step(x, InceptionPools::max3x3Stride2); // [N, 64, 73, 73]
    // block 1: to maxpool2
    x = step(x, h -> conv4a.forward(conv3b.forward(h))); // [N, 192, 71, 71]
    x = step(x, InceptionPools::max3x3Stride2); // [N, 192, 35, 35]
    // blocks 2 and 3: Mixed_5b .. Mixed_7c
    for (InceptionBlock b : mixed) x = step(x, b::forward);
    // [N, 2048, 8, 8] -> adaptive average pool to 1x1 -> [N, 2048]
    NDArray p = Pool.globalAvgPool2d(x);
    x.close();
    return p;
  }

  /** Runs one step in a memory scope (its intermediates freed on return) and frees its input. */
  private static NDArray step(NDArray x, UnaryOperator<NDArray> f) {
    NDArray y = Scope.run(x, () -> f.apply(x));
    x.close();
    return y;
  }
}
