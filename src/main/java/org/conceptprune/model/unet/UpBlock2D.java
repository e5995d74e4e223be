package org.conceptprune.model.unet;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.model.blocks.ResnetBlock2D;
import org.conceptprune.model.blocks.Upsample2D;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;

/**
 * diffusers' UpBlock2D and, with attentions, CrossAttnUpBlock2D: for each layer, concatenate the
 * last skip (LIFO) on channels, resnet, [transformer]; then an optional x2 upsampler.
 */
public final class UpBlock2D extends Module {
  private final List<ResnetBlock2D> resnets = new ArrayList<>();
  private final List<Transformer2DModel> attentions = new ArrayList<>();
  private final Upsample2D upsampler;

  /**
   * @param in channels of the matching down block's input (skip of the last layer)
   * @param prevOut channels coming from the previous up block
   */
  UpBlock2D(UNet2DConditionConfig c, int i, int in, int out, int prevOut, boolean crossAttn, boolean addUpsample) {
    int n = c.numBlocks();
    int layers = c.layersPerBlock()[n - 1 - i] + 1;
    int heads = c.numAttentionHeads()[n - 1 - i];
    int context = c.crossAttentionDim()[n - 1 - i];
    int[] tl = c.upTransformerLayers(i);
    float eps = (float) c.normEps();
    for (int j = 0; j < layers; j++) {
      int skip = j == layers - 1 ? in : out;
      int resIn = j == 0 ? prevOut : out;
      resnets.add(child("resnets." + j, new ResnetBlock2D(resIn + skip, out, c.timeEmbedDim(), c.normNumGroups(), eps, 1f)));
    }
    if (crossAttn) {
      for (int j = 0; j < layers; j++) {
        attentions.add(child("attentions." + j, new Transformer2DModel(out, heads, tl[j], context, c.normNumGroups(), c.useLinearProjection(), c.ffMult())));
      }
    }
    upsampler = addUpsample ? child("upsamplers.0", new Upsample2D(out)) : null;
  }

  /** @param skips the stack of skip connections; this block pops one per resnet */
  NDArray forward(NDArray h, NDArray tembAct, NDArray context, List<NDArray> skips) {
    // Each input, skip and intermediate is used once: free it as soon as its successor exists, so a
    // UNet call holds only the live skips, not every block output (about 0.3 GB at 512x512 for SD-1.5).
    for (int j = 0; j < resnets.size(); j++) {
      NDArray skip = skips.remove(skips.size() - 1);
      NDArray cat = Ops.catChannels(h, skip);
      NDArray r = resnets.get(j).forward(cat, tembAct);
      Ops.close(cat, skip, h);
      h = r;
      if (!attentions.isEmpty()) {
        NDArray a = attentions.get(j).forward(h, context);
        h.close();
        h = a;
      }
    }
    if (upsampler == null) return h;
    NDArray u = upsampler.forward(h);
    h.close();
    return u;
  }
}
