package org.conceptprune.model.vae;

import ai.djl.ndarray.NDArray;
import org.conceptprune.model.blocks.ResnetBlock2D;
import org.conceptprune.nn.Module;

/** diffusers' UNetMidBlock2D as the VAE uses it: resnet -> attention -> resnet, no time embedding. */
final class VaeMidBlock extends Module {
  private final ResnetBlock2D resnet0;
  private final VaeAttentionBlock attention;
  private final ResnetBlock2D resnet1;

  VaeMidBlock(int ch, int groups, boolean addAttention) {
    resnet0 = child("resnets.0", new ResnetBlock2D(ch, ch, 0, groups, 1e-6f, 1f));
    attention = addAttention ? child("attentions.0", new VaeAttentionBlock(ch, groups)) : null;
    resnet1 = child("resnets.1", new ResnetBlock2D(ch, ch, 0, groups, 1e-6f, 1f));
  }

  NDArray forward(NDArray h) {
    h = resnet0.forward(h, null);
    if (attention != null) h = attention.forward(h);
    return resnet1.forward(h, null);
  }
}
