package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** The pooling and concatenation steps of the Inception blocks (torch.nn.functional semantics). */
final class InceptionPools {
  private static final Shape K3 = new Shape(3, 3);
  private static final Shape S1 = new Shape(1, 1);
  private static final Shape S2 = new Shape(2, 2);
  private static final Shape P0 = new Shape(0, 0);
  private static final Shape P1 = new Shape(1, 1);

  private InceptionPools() {}

  /**
   * {@code F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)}: the FID blocks' patch,
   * TensorFlow's average pool, which divides by the number of real (unpadded) pixels in the window.
   */
  static NDArray avg3x3SameExcludePad(NDArray x) {
    // DJL 0.36's libtorch binding drops count_include_pad (it always counts the padded zeros), so
    // take torch's sum / 9 and rescale by 9 / (real pixels in the window): exactly 1 inside, where
    // the result is then torch's own; at the border it is sum / count up to one rounding.
    NDArray included = Pool.avgPool2d(x, K3, S1, P1, false, true); // [N, C, H, W]
    long h = x.getShape().get(2);
    long w = x.getShape().get(3);
    NDArray factor = x.getManager().create(borderFactors((int) h, (int) w), new Shape(1, 1, h, w));
    NDArray r = included.mul(factor);
    included.close();
    factor.close();
    return r;
  }

  /** 9 / (number of in-image pixels of the 3x3 window centred at each pixel), [H * W]. */
  static float[] borderFactors(int h, int w) {
    float[] f = new float[h * w];
    for (int y = 0; y < h; y++) {
      int rows = Math.min(y + 1, h - 1) - Math.max(y - 1, 0) + 1;
      for (int x = 0; x < w; x++) {
        int cols = Math.min(x + 1, w - 1) - Math.max(x - 1, 0) + 1;
        f[y * w + x] = 9f / (rows * cols);
      }
    }
    return f;
  }

  /** {@code F.max_pool2d(x, 3, stride=1, padding=1)} (FIDInceptionE_2's pool branch). */
  static NDArray max3x3Same(NDArray x) {
    return Pool.maxPool2d(x, K3, S1, P1, false);
  }

  /** {@code F.max_pool2d(x, 3, stride=2)} / {@code nn.MaxPool2d(3, 2)} (no padding, floor). */
  static NDArray max3x3Stride2(NDArray x) {
    return Pool.maxPool2d(x, K3, S2, P0, false);
  }

  /** {@code torch.cat(parts, 1)}, closing the parts. */
  static NDArray catChannels(NDArray... parts) {
    NDArray r = NDArrays.concat(new NDList(parts), 1);
    for (NDArray p : parts) p.close();
    return r;
  }
}
