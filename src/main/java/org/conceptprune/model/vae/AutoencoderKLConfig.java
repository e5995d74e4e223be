package org.conceptprune.model.vae;

import java.nio.file.Path;
import org.conceptprune.io.checkpoint.ConfigNode;
import org.conceptprune.util.UserError;

/** diffusers' AutoencoderKL config (vae/config.json). */
public record AutoencoderKLConfig(
    int inChannels,
    int outChannels,
    int latentChannels,
    int[] blockOutChannels,
    int layersPerBlock,
    int normNumGroups,
    double scalingFactor,
    Double shiftFactor,
    boolean useQuantConv,
    boolean usePostQuantConv,
    boolean midBlockAddAttention,
    int sampleSize) {

  public static AutoencoderKLConfig read(Path file) {
    ConfigNode c = ConfigNode.read(file);
    int[] ch = c.reqInts("block_out_channels");
    for (String t : c.reqStrings("down_block_types")) {
      if (!t.equals("DownEncoderBlock2D")) throw new UserError(file + ": down block type '" + t + "' is not supported");
    }
    for (String t : c.reqStrings("up_block_types")) {
      if (!t.equals("UpDecoderBlock2D")) throw new UserError(file + ": up block type '" + t + "' is not supported");
    }
    if (c.reqStrings("down_block_types").size() != ch.length) {
      throw new UserError(file + ": " + ch.length + " block_out_channels for " + c.reqStrings("down_block_types").size() + " blocks");
    }
    return new AutoencoderKLConfig(
        c.optInt("in_channels", 3),
        c.optInt("out_channels", 3),
        c.optInt("latent_channels", 4),
        ch,
        c.optInt("layers_per_block", 1),
        c.optInt("norm_num_groups", 32),
        c.reqDouble("scaling_factor"),
        c.has("shift_factor") ? c.reqDouble("shift_factor") : null,
        c.optBool("use_quant_conv", true),
        c.optBool("use_post_quant_conv", true),
        c.optBool("mid_block_add_attention", true),
        c.optInt("sample_size", 512));
  }

  /** Pixels per latent cell: 2^(blocks-1), e.g. 8 for Stable Diffusion. */
  public int scaleFactor() {
    return 1 << (blockOutChannels.length - 1);
  }

}
