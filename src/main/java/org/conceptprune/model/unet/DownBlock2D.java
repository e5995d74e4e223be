package org.conceptprune.model.unet;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.model.blocks.Downsample2D;
import org.conceptprune.model.blocks.ResnetBlock2D;
import org.conceptprune.nn.Module;

/**
 * diffusers' DownBlock2D and, with attentions, CrossAttnDownBlock2D: (resnet -> [transformer]) x n,
 * then an optional stride-2 downsampler. Every intermediate output is a skip connection.
 */
public final class DownBlock2D extends Module {
  private final List<ResnetBlock2D> resnets = new ArrayList<>();
  private final List<Transformer2DModel> attentions = new ArrayList<>();
  private final Downsample2D downsampler;

  DownBlock2D(UNet2DConditionConfig c, int i, int in, int out, boolean crossAttn, boolean addDownsample) {
    int temb = c.timeEmbedDim();
    float eps = (float) c.normEps();
    for (int j = 0; j < c.layersPerBlock()[i]; j++) {
      resnets.add(child("resnets." + j, new ResnetBlock2D(j == 0 ? in : out, out, temb, c.normNumGroups(), eps, 1f)));
    }
    if (crossAttn) {
      for (int j = 0; j < c.layersPerBlock()[i]; j++) {
        attentions.add(child("attentions." + j, new Transformer2DModel(out, c.numAttentionHeads()[i],
            c.transformerLayersPerBlock()[i], c.crossAttentionDim()[i], c.normNumGroups(), c.useLinearProjection(), c.ffMult())));
      }
    }
    downsampler = addDownsample ? child("downsamplers.0", new Downsample2D(out, c.downsamplePadding())) : null;
  }

  /** @return the block's output; skips receives each intermediate state (diffusers' output_states) */
  NDArray forward(NDArray h, NDArray tembAct, NDArray context, List<NDArray> skips) {
    for (int j = 0; j < resnets.size(); j++) {
      h = resnets.get(j).forward(h, tembAct);
      if (!attentions.isEmpty()) {
        NDArray a = attentions.get(j).forward(h, context);
        h.close(); // the resnet output is no skip: only what follows the attention is
        h = a;
      }
      skips.add(h);
    }
    if (downsampler != null) {
      h = downsampler.forward(h);
      skips.add(h);
    }
    return h;
  }
}
