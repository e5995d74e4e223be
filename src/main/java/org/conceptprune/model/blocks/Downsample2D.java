package org.conceptprune.model.blocks;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.Module;

/**
 * 3x3 convolution with stride 2. With padding 0 (the VAE encoder) the input is first padded by one
 * zero row at the bottom and one zero column at the right, as diffusers does.
 */
public final class Downsample2D extends Module {
  private final Conv2d conv;
  private final int padding;

  public Downsample2D(int channels, int padding) {
    this.padding = padding;
    conv = child("conv", new Conv2d(channels, channels, 3, 2, padding));
  }

  public NDArray forward(NDArray x) {
    if (padding == 0) {
      // F.pad(x, (0, 1, 0, 1)): one zero column at the right, one zero row at the bottom
      long n = x.getShape().get(0);
      long c = x.getShape().get(1);
      long h = x.getShape().get(2);
      long w = x.getShape().get(3);
      NDArray col = x.getManager().zeros(new ai.djl.ndarray.types.Shape(n, c, h, 1), x.getDataType());
      x = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(x, col), 3);
      NDArray row = x.getManager().zeros(new ai.djl.ndarray.types.Shape(n, c, 1, w + 1), x.getDataType());
      x = ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(x, row), 2);
    }
    return conv.forward(x);
  }
}
