package org.conceptprune.model.unet;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.GroupNorm;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Scope;

/**
 * diffusers' Transformer2DModel on continuous input: GroupNorm(32, eps 1e-6) -> proj_in (1x1 conv,
 * or Linear after flattening when use_linear_projection) -> transformer blocks -> proj_out -> + x.
 */
public final class Transformer2DModel extends Module {
  private final GroupNorm norm;
  private final Conv2d projInConv;
  private final Linear projInLinear;
  public final List<BasicTransformerBlock> blocks = new ArrayList<>();
  private final Conv2d projOutConv;
  private final Linear projOutLinear;

  /** @param ffMult the feed-forward width multiple (diffusers: always 4) */
  public Transformer2DModel(int channels, int heads, int layers, int contextDim, int groups, boolean linearProjection,
      int ffMult) {
    int dimHead = channels / heads;
    norm = child("norm", new GroupNorm(groups, channels, 1e-6f));
    if (linearProjection) {
      projInLinear = child("proj_in", new Linear(channels, channels, true));
      projInConv = null;
    } else {
      projInConv = child("proj_in", new Conv2d(channels, channels, 1, 1, 0));
      projInLinear = null;
    }
    for (int i = 0; i < layers; i++) {
      blocks.add(child("transformer_blocks." + i, new BasicTransformerBlock(channels, heads, dimHead, contextDim, ffMult)));
    }
    if (linearProjection) {
      projOutLinear = child("proj_out", new Linear(channels, channels, true));
      projOutConv = null;
    } else {
      projOutConv = child("proj_out", new Conv2d(channels, channels, 1, 1, 0));
      projOutLinear = null;
    }
  }

  /** @param x [B, C, H, W]; @param context [B, S, D] */
  public NDArray forward(NDArray x, NDArray context) {
    return Scope.run(x, () -> {
      long b = x.getShape().get(0);
      long c = x.getShape().get(1);
      long hh = x.getShape().get(2);
      long ww = x.getShape().get(3);
      NDArray h = norm.forward(x);
      if (projInConv != null) {
        h = toTokens(projInConv.forward(h), b, c, hh, ww);
      } else {
        h = projInLinear.forward(toTokens(h, b, c, hh, ww));
      }
      for (BasicTransformerBlock blk : blocks) h = blk.forward(h, context); // [B, HW, C]
      if (projOutConv != null) {
        h = projOutConv.forward(toImage(h, b, c, hh, ww));
      } else {
        h = toImage(projOutLinear.forward(h), b, c, hh, ww);
      }
      return h.add(x);
    });
  }

  private static NDArray toTokens(NDArray x, long b, long c, long h, long w) { // [B,C,H,W] -> [B,HW,C]
    return x.transpose(0, 2, 3, 1).reshape(b, h * w, c);
  }

  private static NDArray toImage(NDArray x, long b, long c, long h, long w) { // [B,HW,C] -> [B,C,H,W]
    return x.reshape(b, h, w, c).transpose(0, 3, 1, 2);
  }
}
