package org.conceptprune.model.vae;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.model.blocks.ResnetBlock2D;
import org.conceptprune.model.blocks.Upsample2D;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.GroupNorm;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;

/** The VAE decoder: latents [B, latent, h, w] -> image [B, 3, 8h, 8w] in about [-1, 1]. */
final class Decoder extends Module {
  private final Conv2d convIn;
  private final VaeMidBlock mid;
  private final List<List<ResnetBlock2D>> resnets = new ArrayList<>();
  private final List<Upsample2D> ups = new ArrayList<>();
  private final GroupNorm normOut;
  private final Conv2d convOut;

  Decoder(AutoencoderKLConfig c) {
    int[] ch = c.blockOutChannels();
    int n = ch.length;
    int g = c.normNumGroups();
    convIn = child("conv_in", new Conv2d(c.latentChannels(), ch[n - 1], 3, 1, 1));
    mid = child("mid_block", new VaeMidBlock(ch[n - 1], g, c.midBlockAddAttention()));
    int out = ch[n - 1];
    for (int i = 0; i < n; i++) {
      int prev = out;
      out = ch[n - 1 - i];
      List<ResnetBlock2D> rs = new ArrayList<>();
      for (int j = 0; j < c.layersPerBlock() + 1; j++) {
        rs.add(child("up_blocks." + i + ".resnets." + j, new ResnetBlock2D(j == 0 ? prev : out, out, 0, g, 1e-6f, 1f)));
      }
      resnets.add(rs);
      ups.add(i < n - 1 ? child("up_blocks." + i + ".upsamplers.0", new Upsample2D(out)) : null);
    }
    normOut = child("conv_norm_out", new GroupNorm(g, ch[0], 1e-6f));
    convOut = child("conv_out", new Conv2d(ch[0], c.outChannels(), 3, 1, 1));
  }

  NDArray forward(NDArray z) {
    NDArray h = convIn.forward(z);
    h = mid.forward(h);
    for (int i = 0; i < resnets.size(); i++) {
      for (ResnetBlock2D r : resnets.get(i)) h = r.forward(h, null);
      if (ups.get(i) != null) h = ups.get(i).forward(h);
    }
    return convOut.forward(Ops.silu(normOut.forward(h)));
  }
}
