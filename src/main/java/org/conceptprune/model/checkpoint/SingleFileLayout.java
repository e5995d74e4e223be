package org.conceptprune.model.checkpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.checkpoint.SdArch;
import org.conceptprune.model.unet.UNet2DConditionConfig;
import org.conceptprune.util.UserError;

/**
 * THE key-name table between single-file Stable Diffusion checkpoints (the CompVis / Stability names
 * that A1111 and ComfyUI save) and diffusers component keys. Nothing else in the project spells an
 * original key. The rules follow diffusers' {@code convert_ldm_unet_checkpoint},
 * {@code convert_ldm_vae_checkpoint}, {@code convert_ldm_clip_checkpoint} and
 * {@code convert_open_clip_checkpoint} (loaders/single_file_utils.py, v0.35).
 *
 * <p>A rule maps an original key prefix to a diffusers key prefix; the rest of the key is carried
 * over unchanged unless the rule is exact. {@code *} in a pattern stands for one numeric segment (the
 * OpenCLIP layer index). The longest matching rule wins, so a resnet is listed leaf by leaf (its
 * inner names change) while a transformer block is one prefix (its inner names are the same).
 */
public final class SingleFileLayout {

  /** How the bytes of one diffusers tensor relate to the bytes of its original tensor. */
  public enum Transform {
    /** Same bytes, same shape. */
    NONE,
    /** Original 1x1 conv [C, C, 1, 1] (VAE attention) <-> diffusers Linear [C, C]: same bytes. */
    SQUEEZE_1X1,
    /** Original [D, P] (OpenCLIP text_projection, applied as x @ P) <-> diffusers Linear [P, D]. */
    TRANSPOSE,
    /** Original fused in_proj [3D, ...] <-> diffusers q, k, v [D, ...]: part i is rows [iD, (i+1)D). */
    SPLIT_QKV
  }

  /** One diffusers tensor and where it lives in the single file ({@code part}: q=0, k=1, v=2). */
  public record Link(Component component, String original, String diffusers, Transform transform, int part) {}

  private record Rule(String[] original, List<String[]> diffusers, Transform transform, boolean exact) {}

  /** A resnet's inner names: LDM ResBlock -> diffusers ResnetBlock2D. */
  private static final String[][] UNET_RESNET = {
    {"in_layers.0", "norm1"}, {"in_layers.2", "conv1"}, {"out_layers.0", "norm2"},
    {"out_layers.3", "conv2"}, {"emb_layers.1", "time_emb_proj"}, {"skip_connection", "conv_shortcut"}};

  private static final String[][] VAE_RESNET = {
    {"norm1", "norm1"}, {"conv1", "conv1"}, {"norm2", "norm2"}, {"conv2", "conv2"},
    {"nin_shortcut", "conv_shortcut"}};

  /** OpenCLIP ResidualAttentionBlock -> CLIPEncoderLayer (the fused in_proj is split apart). */
  private static final String[][] OPENCLIP_BLOCK = {
    {"ln_1", "layer_norm1"}, {"ln_2", "layer_norm2"}, {"mlp.c_fc", "mlp.fc1"},
    {"mlp.c_proj", "mlp.fc2"}, {"attn.out_proj", "self_attn.out_proj"}};

  /** Top-level DDPM schedule buffers of an LDM checkpoint; diffusers keeps them in the scheduler. */
  private static final List<String> SCHEDULE_BUFFER_PREFIXES = List.of(
      "betas", "alphas_cumprod", "sqrt_", "log_one_minus", "posterior_");

  private final SdArch arch;
  private final Map<Component, List<Rule>> rules = new EnumMap<>(Component.class);
  /** Original keys diffusers drops on purpose (SD-2's last text layer), relative to the prefix. */
  private final Map<Component, List<String[]>> dropped = new EnumMap<>(Component.class);

  private SingleFileLayout(SdArch arch) {
    this.arch = arch;
  }

  /**
   * The table for one checkpoint.
   *
   * @param vaeBlocks number of VAE down (= up) blocks, 4 in every SD release
   * @param vaeLayersPerBlock resnets per VAE encoder block (decoder blocks have one more), 2 in SD
   */
  public static SingleFileLayout of(SdArch arch, UNet2DConditionConfig unet, int vaeBlocks,
      int vaeLayersPerBlock) {
    SingleFileLayout l = new SingleFileLayout(arch);
    l.rules.put(Component.UNET, unetRules(unet));
    l.rules.put(Component.VAE, vaeRules(vaeBlocks, vaeLayersPerBlock));
    switch (arch) {
      case SD1 -> l.rules.put(Component.TEXT_ENCODER, clipRules());
      case SD2 -> {
        l.rules.put(Component.TEXT_ENCODER, openClipRules(false));
        // diffusers' SD-2 text encoder has 23 of OpenCLIP's 24 layers (SD-2 conditions on the
        // penultimate one) and no projection: SD_2_TEXT_ENCODER_KEYS_TO_IGNORE.
        l.dropped.put(Component.TEXT_ENCODER, List.of(
            segs("transformer.resblocks.23"), segs("text_projection")));
      }
      case SDXL -> {
        l.rules.put(Component.TEXT_ENCODER, clipRules());
        l.rules.put(Component.TEXT_ENCODER_2, openClipRules(true));
      }
    }
    return l;
  }

  public SdArch arch() {
    return arch;
  }

  /** The original key prefix of a component in this architecture, dot included. */
  public String prefix(Component c) {
    return switch (c) {
      case UNET -> "model.diffusion_model.";
      case VAE -> "first_stage_model.";
      case TEXT_ENCODER -> switch (arch) {
        case SD1 -> "cond_stage_model.transformer.";
        case SD2 -> "cond_stage_model.model.";
        case SDXL -> "conditioner.embedders.0.transformer.";
      };
      case TEXT_ENCODER_2 -> {
        if (arch != SdArch.SDXL) throw new UserError(arch + " has no text_encoder_2");
        yield "conditioner.embedders.1.model.";
      }
    };
  }

  /** The component whose prefix an original key carries, or null. */
  public Component componentOf(String originalKey) {
    for (Component c : arch.components) if (originalKey.startsWith(prefix(c))) return c;
    return null;
  }

  /**
   * Original keys no diffusers component holds and nobody needs to hear about: EMA copies, CLIP's
   * position_ids buffer, OpenCLIP's logit_scale, and the DDPM schedule buffers.
   */
  public static boolean ignorable(String originalKey) {
    if (originalKey.startsWith("model_ema.") || originalKey.equals("model_ema")) return true;
    if (originalKey.endsWith(".position_ids") || originalKey.endsWith("logit_scale")) return true;
    if (originalKey.equals("denoiser.sigmas")) return true; // sgm's schedule buffer (SDXL)
    if (originalKey.indexOf('.') >= 0) return false;
    for (String p : SCHEDULE_BUFFER_PREFIXES) if (originalKey.startsWith(p)) return true;
    return false;
  }

  /** Whether diffusers leaves this original key out on purpose (SD-2's 24th text layer). */
  public boolean dropped(String originalKey) {
    Component c = componentOf(originalKey);
    if (c == null) return false;
    String[] k = segs(originalKey.substring(prefix(c).length()));
    for (String[] p : dropped.getOrDefault(c, List.of())) if (match(p, k, false) != null) return true;
    return false;
  }

  /** The diffusers tensors an original tensor becomes (three for a fused qkv), or empty if none. */
  public List<Link> toDiffusers(String originalKey) {
    Component c = componentOf(originalKey);
    if (c == null || dropped(originalKey)) return List.of();
    String[] k = segs(originalKey.substring(prefix(c).length()));
    Rule best = null;
    String cap = null;
    for (Rule r : rules.get(c)) {
      String m = match(r.original, k, r.exact);
      if (m != null && (best == null || r.original.length > best.original.length)) {
        best = r;
        cap = m;
      }
    }
    if (best == null) return List.of();
    List<Link> out = new ArrayList<>();
    for (int i = 0; i < best.diffusers.size(); i++) {
      String d = build(best.diffusers.get(i), cap, k, best.original.length);
      out.add(new Link(c, originalKey, d, best.transform, i));
    }
    return out;
  }

  /** Where a diffusers tensor of a component goes in the single file, or null if no rule names it. */
  public Link toOriginal(Component c, String diffusersKey) {
    List<Rule> rs = rules.get(c);
    if (rs == null) throw new UserError(arch + " has no " + c.diffusersName);
    String[] k = segs(diffusersKey);
    Rule best = null;
    int part = 0;
    String cap = null;
    for (Rule r : rs) {
      for (int i = 0; i < r.diffusers.size(); i++) {
        String[] p = r.diffusers.get(i);
        String m = match(p, k, r.exact);
        if (m != null && (best == null || p.length > best.diffusers.get(part).length)) {
          best = r;
          part = i;
          cap = m;
        }
      }
    }
    if (best == null) return null;
    String o = prefix(c) + build(best.original, cap, k, best.diffusers.get(part).length);
    return new Link(c, o, diffusersKey, best.transform, part);
  }

  // ---- the rules ----------------------------------------------------------------------------

  /** UNet: input_blocks / middle_block / output_blocks, numbered as the config lays them out. */
  private static List<Rule> unetRules(UNet2DConditionConfig cfg) {
    List<Rule> r = new ArrayList<>();
    prefix(r, "time_embed.0", "time_embedding.linear_1");
    prefix(r, "time_embed.2", "time_embedding.linear_2");
    if ("text_time".equals(cfg.additionEmbedType())) { // SDXL's size/crop conditioning
      prefix(r, "label_emb.0.0", "add_embedding.linear_1");
      prefix(r, "label_emb.0.2", "add_embedding.linear_2");
    }
    prefix(r, "input_blocks.0.0", "conv_in");
    prefix(r, "out.0", "conv_norm_out");
    prefix(r, "out.2", "conv_out");
    int n = cfg.numBlocks();
    // Each level: its resnets (+ attention), then a downsampler as its own input block.
    int i = 1;
    for (int b = 0; b < n; b++) {
      boolean attn = cfg.downBlockTypes().get(b).startsWith("CrossAttn");
      for (int l = 0; l < cfg.layersPerBlock()[b]; l++, i++) {
        resnet(r, UNET_RESNET, "input_blocks." + i + ".0", "down_blocks." + b + ".resnets." + l);
        if (attn) prefix(r, "input_blocks." + i + ".1", "down_blocks." + b + ".attentions." + l);
      }
      if (b < n - 1) {
        prefix(r, "input_blocks." + i + ".0.op", "down_blocks." + b + ".downsamplers.0.conv");
        i++;
      }
    }
    resnet(r, UNET_RESNET, "middle_block.0", "mid_block.resnets.0");
    prefix(r, "middle_block.1", "mid_block.attentions.0");
    resnet(r, UNET_RESNET, "middle_block.2", "mid_block.resnets.1");
    // Each up level: layers+1 resnets (+ attention); the last one also holds the upsampler, as its
    // third module after an attention or its second without one.
    i = 0;
    for (int b = 0; b < n; b++) {
      boolean attn = cfg.upBlockTypes().get(b).startsWith("CrossAttn");
      int layers = cfg.layersPerBlock()[n - 1 - b] + 1;
      for (int l = 0; l < layers; l++, i++) {
        resnet(r, UNET_RESNET, "output_blocks." + i + ".0", "up_blocks." + b + ".resnets." + l);
        if (attn) prefix(r, "output_blocks." + i + ".1", "up_blocks." + b + ".attentions." + l);
        if (l == layers - 1 && b < n - 1) {
          prefix(r, "output_blocks." + i + "." + (attn ? 2 : 1) + ".conv", "up_blocks." + b + ".upsamplers.0.conv");
        }
      }
    }
    return r;
  }

  /** VAE: encoder.down.i / decoder.up.(n-1-i), mid.block_1/2, mid.attn_1 (1x1 convs). */
  private static List<Rule> vaeRules(int n, int layersPerBlock) {
    List<Rule> r = new ArrayList<>();
    for (String side : List.of("encoder", "decoder")) {
      prefix(r, side + ".conv_in", side + ".conv_in");
      prefix(r, side + ".conv_out", side + ".conv_out");
      prefix(r, side + ".norm_out", side + ".conv_norm_out");
      resnet(r, VAE_RESNET, side + ".mid.block_1", side + ".mid_block.resnets.0");
      resnet(r, VAE_RESNET, side + ".mid.block_2", side + ".mid_block.resnets.1");
      String a = side + ".mid.attn_1.";
      String d = side + ".mid_block.attentions.0.";
      prefix(r, a + "norm", d + "group_norm");
      for (String[] qkv : new String[][] {{"q", "to_q"}, {"k", "to_k"}, {"v", "to_v"}, {"proj_out", "to_out.0"}}) {
        exact(r, a + qkv[0] + ".weight", d + qkv[1] + ".weight", Transform.SQUEEZE_1X1);
        exact(r, a + qkv[0] + ".bias", d + qkv[1] + ".bias", Transform.NONE);
      }
    }
    prefix(r, "quant_conv", "quant_conv");
    prefix(r, "post_quant_conv", "post_quant_conv");
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < layersPerBlock; j++) {
        resnet(r, VAE_RESNET, "encoder.down." + i + ".block." + j, "encoder.down_blocks." + i + ".resnets." + j);
      }
      if (i < n - 1) prefix(r, "encoder.down." + i + ".downsample.conv", "encoder.down_blocks." + i + ".downsamplers.0.conv");
      int up = n - 1 - i; // the LDM decoder numbers its levels from the bottom
      for (int j = 0; j < layersPerBlock + 1; j++) {
        resnet(r, VAE_RESNET, "decoder.up." + up + ".block." + j, "decoder.up_blocks." + i + ".resnets." + j);
      }
      if (up > 0) prefix(r, "decoder.up." + up + ".upsample.conv", "decoder.up_blocks." + i + ".upsamplers.0.conv");
    }
    return r;
  }

  /** OpenAI CLIP as transformers saves it (SD-1.x, SDXL's first encoder): names already match. */
  private static List<Rule> clipRules() {
    List<Rule> r = new ArrayList<>();
    prefix(r, "text_model", "text_model");
    return r;
  }

  /** OpenCLIP text tower (SD-2.x; SDXL's second encoder with its projection). */
  private static List<Rule> openClipRules(boolean withProjection) {
    List<Rule> r = new ArrayList<>();
    exact(r, "positional_embedding", "text_model.embeddings.position_embedding.weight", Transform.NONE);
    prefix(r, "token_embedding", "text_model.embeddings.token_embedding");
    prefix(r, "ln_final", "text_model.final_layer_norm");
    if (withProjection) exact(r, "text_projection", "text_projection.weight", Transform.TRANSPOSE);
    String o = "transformer.resblocks.*.";
    String d = "text_model.encoder.layers.*.";
    for (String[] p : OPENCLIP_BLOCK) prefix(r, o + p[0], d + p[1]);
    for (String w : List.of("weight", "bias")) {
      r.add(new Rule(segs(o + "attn.in_proj_" + w), List.of(
          segs(d + "self_attn.q_proj." + w), segs(d + "self_attn.k_proj." + w), segs(d + "self_attn.v_proj." + w)),
          Transform.SPLIT_QKV, true));
    }
    return r;
  }

  private static void prefix(List<Rule> r, String original, String diffusers) {
    r.add(new Rule(segs(original), List.<String[]>of(segs(diffusers)), Transform.NONE, false));
  }

  private static void exact(List<Rule> r, String original, String diffusers, Transform t) {
    r.add(new Rule(segs(original), List.<String[]>of(segs(diffusers)), t, true));
  }

  private static void resnet(List<Rule> r, String[][] inner, String original, String diffusers) {
    for (String[] p : inner) prefix(r, original + "." + p[0], diffusers + "." + p[1]);
  }

  // ---- matching -----------------------------------------------------------------------------

  private static String[] segs(String key) {
    return key.split("\\.", -1);
  }

  /**
   * @return the segment {@code *} stood for ("" when the pattern has none) if {@code key} starts with
   *     {@code pattern} (or equals it, when exact), else null
   */
  private static String match(String[] pattern, String[] key, boolean exact) {
    if (key.length < pattern.length || (exact && key.length != pattern.length)) return null;
    String cap = "";
    for (int i = 0; i < pattern.length; i++) {
      if (pattern[i].equals("*")) {
        if (key[i].isEmpty() || !key[i].chars().allMatch(Character::isDigit)) return null;
        cap = key[i];
      } else if (!pattern[i].equals(key[i])) {
        return null;
      }
    }
    return cap;
  }

  /** The target pattern with {@code *} filled in, followed by the key's segments after {@code used}. */
  private static String build(String[] target, String cap, String[] key, int used) {
    StringBuilder sb = new StringBuilder();
    for (String s : target) {
      if (sb.length() > 0) sb.append('.');
      sb.append(s.equals("*") ? cap : s);
    }
    for (String s : Arrays.copyOfRange(key, used, key.length)) sb.append('.').append(s);
    return sb.toString();
  }
}
