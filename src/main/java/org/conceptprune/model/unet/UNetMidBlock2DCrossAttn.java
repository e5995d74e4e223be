package org.conceptprune.model.unet;

import ai.djl.ndarray.NDArray;
import java.util.List;
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
        c.transformerLayersPerBlock()[n - 1], c.crossAttentionDim()[n - 1], c.normNumGroups(), c.useLinearProjection()));
    resnet1 = child("resnets.1", new ResnetBlock2D(ch, ch, c.timeEmbedDim(), c.normNumGroups(), eps, scale));
  }

  NDArray forward(NDArray h, NDArray tembAct, NDArray context) {
    h = resnet0.forward(h, tembAct);
    h = attention.forward(h, context);
    return resnet1.forward(h, tembAct);
  }

  List<Transformer2DModel> attentions() {
    return List.of(attention);
  }
}
