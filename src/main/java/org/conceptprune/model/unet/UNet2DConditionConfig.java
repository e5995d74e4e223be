package org.conceptprune.model.unet;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.conceptprune.io.checkpoint.ConfigNode;
import org.conceptprune.util.UserError;

/**
 * diffusers' UNet2DConditionModel config (unet/config.json), SD-1.x, SD-2.x and SDXL fields.
 *
 * <p>Per-block lists are expanded here (an int in the JSON means the same value for every block).
 * Misnomer fixed at the boundary: SD-1.x/2.x configs put the NUMBER of heads in
 * {@code attention_head_dim} and leave {@code num_attention_heads} null; diffusers then uses
 * attention_head_dim as the head count, and so do we ({@link #numAttentionHeads}).
 *
 * @param transformerLayersPerBlock transformer blocks per Transformer2DModel, per down block
 * @param ffMult feed-forward width / channels (4 unless the folder says {@code ff_mult})
 * @param reverseTransformerLayersPerBlock per up block and per layer, or null (then the reverse of
 *     transformerLayersPerBlock)
 */
public record UNet2DConditionConfig(
    int sampleSize,
    int inChannels,
    int outChannels,
    boolean flipSinToCos,
    int freqShift,
    List<String> downBlockTypes,
    String midBlockType,
    List<String> upBlockTypes,
    int[] blockOutChannels,
    int[] layersPerBlock,
    int downsamplePadding,
    double midBlockScaleFactor,
    int normNumGroups,
    double normEps,
    int[] crossAttentionDim,
    int[] transformerLayersPerBlock,
    int[][] reverseTransformerLayersPerBlock,
    int[] numAttentionHeads,
    boolean useLinearProjection,
    boolean upcastAttention,
    String additionEmbedType,
    int additionTimeEmbedDim,
    int projectionClassEmbeddingsInputDim,
    boolean centerInputSample,
    int convInKernel,
    int convOutKernel,
    int ffMult) {

  /** diffusers' feed-forward width multiple (fixed in its UNet2DConditionModel; no config key). */
  public static final int DIFFUSERS_FF_MULT = 4;

  public static final List<String> DOWN_TYPES = List.of("CrossAttnDownBlock2D", "DownBlock2D");
  public static final List<String> UP_TYPES = List.of("CrossAttnUpBlock2D", "UpBlock2D");

  public static UNet2DConditionConfig read(Path file) {
    ConfigNode c = ConfigNode.read(file);
    List<String> down = c.reqStrings("down_block_types");
    List<String> up = c.reqStrings("up_block_types");
    int n = down.size();
    if (up.size() != n) throw new UserError(file + ": down_block_types and up_block_types differ in length");
    for (String t : down) if (!DOWN_TYPES.contains(t)) throw new UserError(file + ": down block type '" + t + "' is not supported " + DOWN_TYPES);
    for (String t : up) if (!UP_TYPES.contains(t)) throw new UserError(file + ": up block type '" + t + "' is not supported " + UP_TYPES);
    String mid = c.optString("mid_block_type", "UNetMidBlock2DCrossAttn");
    if (!mid.equals("UNetMidBlock2DCrossAttn")) throw new UserError(file + ": mid_block_type '" + mid + "' is not supported (UNetMidBlock2DCrossAttn)");
    int[] channels = c.reqInts("block_out_channels");
    if (channels.length != n) throw new UserError(file + ": block_out_channels has " + channels.length + " entries for " + n + " blocks");
    String timeShift = c.optString("resnet_time_scale_shift", "default");
    if (!timeShift.equals("default")) throw new UserError(file + ": resnet_time_scale_shift '" + timeShift + "' is not supported");
    if (c.has("class_embed_type")) throw new UserError(file + ": class_embed_type is not supported");
    if (c.has("time_cond_proj_dim")) throw new UserError(file + ": time_cond_proj_dim is not supported");
    if (c.optBool("dual_cross_attention", false)) throw new UserError(file + ": dual_cross_attention is not supported");
    String act = c.optString("act_fn", "silu");
    if (!act.equals("silu")) throw new UserError(file + ": act_fn '" + act + "' is not supported (silu)");
    String tet = c.optString("time_embedding_type", "positional");
    if (!tet.equals("positional")) throw new UserError(file + ": time_embedding_type '" + tet + "' is not supported");

    // diffusers: num_attention_heads = num_attention_heads or attention_head_dim
    int[] heads = c.has("num_attention_heads")
        ? c.intOrList("num_attention_heads", n, null)
        : c.intOrList("attention_head_dim", n, 8);
    int[][] reverse = null;
    if (c.has("reverse_transformer_layers_per_block")) {
      var node = c.json().get("reverse_transformer_layers_per_block");
      reverse = new int[node.size()][];
      for (int i = 0; i < node.size(); i++) {
        var row = node.get(i);
        reverse[i] = new int[row.size()];
        for (int j = 0; j < row.size(); j++) reverse[i][j] = row.get(j).asInt();
      }
    }
    String add = c.optString("addition_embed_type", null);
    if (add != null && !add.equals("text_time")) throw new UserError(file + ": addition_embed_type '" + add + "' is not supported (text_time)");
    return new UNet2DConditionConfig(
        c.optInt("sample_size", 64),
        c.optInt("in_channels", 4),
        c.optInt("out_channels", 4),
        c.optBool("flip_sin_to_cos", true),
        c.optInt("freq_shift", 0),
        down, mid, up, channels,
        c.intOrList("layers_per_block", n, 2),
        c.optInt("downsample_padding", 1),
        c.optDouble("mid_block_scale_factor", 1.0),
        c.optInt("norm_num_groups", 32),
        c.optDouble("norm_eps", 1e-5),
        c.intOrList("cross_attention_dim", n, 1280),
        c.intOrList("transformer_layers_per_block", n, 1),
        reverse,
        heads,
        c.optBool("use_linear_projection", false),
        c.optBool("upcast_attention", false),
        add,
        c.optInt("addition_time_embed_dim", 0),
        c.optInt("projection_class_embeddings_input_dim", 0),
        c.optBool("center_input_sample", false),
        c.optInt("conv_in_kernel", 3),
        c.optInt("conv_out_kernel", 3),
        ffMult(c, file));
  }

  /**
   * The feed-forward width multiple: 4 in every diffusers UNet2DConditionModel (GEGLU to 4x the
   * channels), which has no key for it. A toy design with wider FFNs ({@code toy train --ff-mult})
   * writes {@code ff_mult}; diffusers ignores the key and then cannot load that folder's FFN weights,
   * so such a folder is for conceptprune only.
   */
  static int ffMult(ConfigNode c, Path file) {
    int m = c.optInt("ff_mult", DIFFUSERS_FF_MULT);
    if (m < 1) throw new UserError(file + ": ff_mult must be >= 1, found " + m);
    return m;
  }

  public int numBlocks() {
    return blockOutChannels.length;
  }

  public int timeEmbedDim() {
    return blockOutChannels[0] * 4;
  }

  /** Transformer layers of each resnet/attention pair of up block i (diffusers' reversed lists). */
  public int[] upTransformerLayers(int i) {
    int layers = layersPerBlock[numBlocks() - 1 - i] + 1;
    if (reverseTransformerLayersPerBlock != null) return reverseTransformerLayersPerBlock[i];
    int[] out = new int[layers];
    Arrays.fill(out, transformerLayersPerBlock[numBlocks() - 1 - i]);
    return out;
  }

  /** Pixel-space downscale of the latent through the UNet: 2^(number of downsamplers). */
  public int latentMultiple() {
    return 1 << (numBlocks() - 1);
  }
}
