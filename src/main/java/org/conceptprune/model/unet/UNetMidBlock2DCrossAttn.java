package org.conceptprune.model.unet;

import ai.djl.ndarray.NDArray;
import org.conceptprune.model.blocks.ResnetBlock2D;
import org.conceptprune.nn.Module;

/** resnet -> transformer -> resnet at the lowest resolution. */
public final class UNetMidBlock2DCrossAttn extends Module {
  private final ResnetBlock2D resnet0;
  final Transformer2DModel attention;
  private final ResnetBlock2D resnet1;

  UNetMidBlock2DCrossAttn(UNet2DConditionConfig c) {
    int n = c.numBlocks();
    int ch = c.blockOutChannels()[n - 1];
    float eps = (float) c.normEps();
    float scale = (float) c.midBlockScaleFactor();
    resnet0 = child("resnets.0", new ResnetBlock2D(ch, ch, c.timeEmbedDim(), c.normNumGroups(), eps, scale));
    attention = child("attentions.0", new Transformer2DModel(ch, c.numAttentionHeads()[n - 1],
        c.transformerLayersPerBlock()[n - 1], c.crossAttentionDim()[n - 1], c.normNumGroups(), c.useLinearProjection(), c.ffMult()));
    resnet1 = child("resnets.1", new ResnetBlock2D(ch, ch, c.timeEmbedDim(), c.normNumGroups(), eps, scale));
  }

  /** The input (the last skip) stays alive; the intermediates are freed. */
  NDArray forward(NDArray h, NDArray tembAct, NDArray context) {
    NDArray r0 = resnet0.forward(h, tembAct);
    NDArray a = attention.forward(r0, context);
    r0.close();
    NDArray r1 = resnet1.forward(a, tembAct);
    a.close();
    return r1;
  }
}
