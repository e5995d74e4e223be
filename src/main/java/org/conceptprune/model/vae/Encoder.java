package org.conceptprune.model.vae;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.model.blocks.Downsample2D;
import org.conceptprune.model.blocks.ResnetBlock2D;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.GroupNorm;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;

/** The VAE encoder: image [B, 3, H, W] -> moments [B, 2*latent, H/8, W/8]. */
final class Encoder extends Module {
  private final Conv2d convIn;
  private final List<List<ResnetBlock2D>> resnets = new ArrayList<>();
  private final List<Downsample2D> downs = new ArrayList<>();
  private final VaeMidBlock mid;
  private final GroupNorm normOut;
  private final Conv2d convOut;

  Encoder(AutoencoderKLConfig c) {
    int[] ch = c.blockOutChannels();
    int g = c.normNumGroups();
    convIn = child("conv_in", new Conv2d(c.inChannels(), ch[0], 3, 1, 1));
    int out = ch[0];
    for (int i = 0; i < ch.length; i++) {
      int in = out;
      out = ch[i];
      List<ResnetBlock2D> rs = new ArrayList<>();
      for (int j = 0; j < c.layersPerBlock(); j++) {
        rs.add(child("down_blocks." + i + ".resnets." + j, new ResnetBlock2D(j == 0 ? in : out, out, 0, g, 1e-6f, 1f)));
      }
      resnets.add(rs);
      downs.add(i < ch.length - 1 ? child("down_blocks." + i + ".downsamplers.0", new Downsample2D(out, 0)) : null);
    }
    mid = child("mid_block", new VaeMidBlock(ch[ch.length - 1], g, c.midBlockAddAttention()));
    normOut = child("conv_norm_out", new GroupNorm(g, ch[ch.length - 1], 1e-6f));
    convOut = child("conv_out", new Conv2d(ch[ch.length - 1], 2 * c.latentChannels(), 3, 1, 1));
  }

  NDArray forward(NDArray x) {
    NDArray h = convIn.forward(x);
    for (int i = 0; i < resnets.size(); i++) {
      for (ResnetBlock2D r : resnets.get(i)) h = r.forward(h, null);
      if (downs.get(i) != null) h = downs.get(i).forward(h);
    }
    h = mid.forward(h);
    return convOut.forward(Ops.silu(normOut.forward(h)));
  }
}
