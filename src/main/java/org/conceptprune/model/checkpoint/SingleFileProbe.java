package org.conceptprune.model.checkpoint;

import java.util.Set;
import java.util.TreeSet;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;

/**
 * Architecture facts read from a single file's names and shapes, needing no config: enough to check
 * that a stock diffusers config fits the file. What the weights cannot tell (epsilon or v
 * prediction, the sample size) comes from the config.
 */
public final class SingleFileProbe {
  private static final String UNET = "model.diffusion_model.";

  private SingleFileProbe() {}

  /** The UNet's cross-attention width (768 SD-1, 1024 SD-2, 2048 SDXL): attn2.to_k is [C, context]; -1 if none. */
  public static int contextDim(TensorSource src) {
    for (String k : src.names()) {
      if (k.startsWith(UNET) && k.endsWith(".attn2.to_k.weight")) {
        long[] s = src.info(k).shape();
        return s.length == 2 ? (int) s[1] : -1;
      }
    }
    return -1;
  }

  /** The number of {@code input_blocks.N} (12 in SD-1/2, 9 in SDXL); 0 if none. */
  public static int inputBlocks(TensorSource src) {
    return distinctIndices(src.names(), UNET + "input_blocks.").size();
  }

  /** The number of {@code output_blocks.N}. */
  public static int outputBlocks(TensorSource src) {
    return distinctIndices(src.names(), UNET + "output_blocks.").size();
  }

  /** conv_in's output channels (block_out_channels[0], 320 in SD); -1 if absent. */
  public static int modelChannels(TensorSource src) {
    TensorInfo t = src.tensors().get(UNET + "input_blocks.0.0.weight");
    return t == null ? -1 : (int) t.shape()[0];
  }

  /** conv_in's input channels (4; 9 for inpainting models); -1 if absent. */
  public static int inChannels(TensorSource src) {
    TensorInfo t = src.tensors().get(UNET + "input_blocks.0.0.weight");
    return t == null ? -1 : (int) t.shape()[1];
  }

  /** Whether the transformers' proj_in is a Linear [C, C] (SD-2, SDXL) rather than a 1x1 conv (SD-1). */
  public static boolean linearProjection(TensorSource src) {
    for (String k : src.names()) {
      if (k.startsWith(UNET) && k.endsWith(".proj_in.weight")) return src.info(k).shape().length == 2;
    }
    return false;
  }

  /**
   * The VAE's {blocks, resnets per encoder block}, counted from its names ({@code original}: single-file
   * names under first_stage_model., else diffusers AutoencoderKL names); {4, 2} when there is no VAE.
   */
  static int[] vaeShape(Set<String> names, boolean original) {
    String down = original ? "first_stage_model.encoder.down." : "encoder.down_blocks.";
    String res = original ? down + "0.block." : down + "0.resnets.";
    int blocks = distinctIndices(names, down).size();
    int layers = distinctIndices(names, res).size();
    return blocks == 0 ? new int[] {4, 2} : new int[] {blocks, layers};
  }

  /** The distinct integers N of keys {@code prefix + N + "." + ...}. */
  static Set<Integer> distinctIndices(Set<String> names, String prefix) {
    Set<Integer> out = new TreeSet<>();
    for (String k : names) {
      if (!k.startsWith(prefix)) continue;
      int end = k.indexOf('.', prefix.length());
      String n = end < 0 ? k.substring(prefix.length()) : k.substring(prefix.length(), end);
      if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) out.add(Integer.parseInt(n));
    }
    return out;
  }
}
