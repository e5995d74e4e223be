package org.conceptprune.model.blocks;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;

/** Nearest-neighbour x2 upsampling, then a 3x3 convolution. */
public final class Upsample2D extends Module {
  private final Conv2d conv;

  public Upsample2D(int channels) {
    conv = child("conv", new Conv2d(channels, channels, 3, 1, 1));
  }

  public NDArray forward(NDArray x) {
    return conv.forward(Ops.upsampleNearest2x(x));
  }
}
