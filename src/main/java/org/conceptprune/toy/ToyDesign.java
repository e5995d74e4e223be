package org.conceptprune.toy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.conceptprune.model.unet.UNet2DConditionConfig;

/**
 * The architecture of the toy text-to-image model, written as a diffusers folder's configs. The
 * text encoder is narrow (its hidden size is the UNet's cross_attention_dim) and frozen at a seeded
 * random init, as CLIP is frozen in Stable Diffusion. How much the UNet's FFNs carry the concepts
 * depends on how far apart the frozen encoder puts the words (token std, below), not on the encoder's
 * width: at width 8 instead of 16 (run m5, token std 1.0) the FFNs still did not carry the styles.
 *
 * @param unetChannels block_out_channels of the UNet (two levels on 8x8 latents)
 * @param heads attention heads per UNet level
 * @param transformerLayers BasicTransformerBlocks per Transformer2DModel
 * @param textHidden the text encoder's hidden size (= cross_attention_dim)
 * @param textLayers text encoder layers
 * @param textHeads text encoder heads
 * @param tokenStd standard deviation of the frozen text encoder's token embeddings. At CLIP's 0.02
 *     (as large as the position embeddings, and small next to what each random layer adds) the
 *     encoder's outputs hardly tell words apart ("a zorbly circle" vs "a zorbly shape": cosine
 *     0.96-0.98 over the first 8 positions) and the UNet learned objects slowly (run m2: object 0.47);
 *     at 1.0 (cosine 0.73-0.86) it learned them (run m3: object 0.97) but then the FFNs no longer
 *     carried the styles and ConceptPrune erased nothing. docs/TOY-MODEL.md has the runs.
 */
public record ToyDesign(int[] unetChannels, int[] heads, int transformerLayers, int layersPerBlock, int textHidden,
    int textLayers, int textHeads, double tokenStd, int ffMult) {

  public static ToyDesign defaults() {
    return new ToyDesign(new int[] {64, 128}, new int[] {2, 4}, 2, 1, 16, 2, 2, DEFAULT_TOKEN_STD,
        UNet2DConditionConfig.DIFFUSERS_FF_MULT);
  }

  /** The shipped model's token-embedding std (see docs/TOY-MODEL.md for the runs behind it). */
  public static final double DEFAULT_TOKEN_STD = 0.05;

  /** This design with another text-encoder width (= the UNet's cross_attention_dim); heads stay 2. */
  public ToyDesign withTextHidden(int hidden) {
    if (hidden < 2 || hidden % textHeads != 0) {
      throw new IllegalArgumentException("text hidden size must be a positive multiple of " + textHeads + ", got " + hidden);
    }
    return new ToyDesign(unetChannels, heads, transformerLayers, layersPerBlock, hidden, textLayers, textHeads, tokenStd, ffMult);
  }

  /** This design with another text encoder shape (a trained tower's: width, layers, heads). */
  public ToyDesign withTextTower(int hidden, int layers, int towerHeads) {
    return new ToyDesign(unetChannels, heads, transformerLayers, layersPerBlock, hidden, layers, towerHeads, tokenStd, ffMult);
  }

  /** This design with another token-embedding std. */
  public ToyDesign withTokenStd(double std) {
    return new ToyDesign(unetChannels, heads, transformerLayers, layersPerBlock, textHidden, textLayers, textHeads, std, ffMult);
  }

  /**
   * This design with FFNs {@code mult} times as wide as their channels (diffusers' UNet: 4). Wider
   * FFNs give the layers ConceptPrune prunes more of the UNet's parameters, as SD's GEGLU FFNs hold
   * more than its attention does.
   */
  public ToyDesign withFfMult(int mult) {
    if (mult < 1) throw new IllegalArgumentException("the FFN width multiple must be >= 1, got " + mult);
    return new ToyDesign(unetChannels, heads, transformerLayers, layersPerBlock, textHidden, textLayers, textHeads, tokenStd, mult);
  }

  public static final int LATENT = 8;

  /** Writes model_index.json, scheduler, unet/vae/text_encoder configs and the tokenizer into dir. */
  public void writeConfigs(Path dir, double vaeScaling) {
    try {
      for (String d : new String[] {"unet", "vae", "text_encoder", "tokenizer", "scheduler"}) {
        Files.createDirectories(dir.resolve(d));
      }
      Files.writeString(dir.resolve("model_index.json"), MODEL_INDEX);
      Files.writeString(dir.resolve("scheduler/scheduler_config.json"), SCHEDULER);
      Files.writeString(dir.resolve("unet/config.json"), unetConfig());
      Files.writeString(dir.resolve("vae/config.json"), vaeConfig(vaeScaling));
      Files.writeString(dir.resolve("text_encoder/config.json"), textConfig());
      for (String f : new String[] {"merges.txt", "vocab.json", "special_tokens_map.json", "tokenizer_config.json"}) {
        try (InputStream in = ToyDesign.class.getResourceAsStream("/conceptprune/toy/tokenizer/" + f)) {
          Files.copy(in, dir.resolve("tokenizer").resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rewrites vae/config.json with a new scaling factor. */
  public void writeVaeConfig(Path dir, double vaeScaling) {
    try {
      Files.writeString(dir.resolve("vae/config.json"), vaeConfig(vaeScaling));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String unetConfig() {
    return String.format(Locale.ROOT, """
        {
          "_class_name": "UNet2DConditionModel",
          "_diffusers_version": "0.35.2",
          "act_fn": "silu",
          "attention_head_dim": [%d, %d],
          "block_out_channels": [%d, %d],
          "center_input_sample": false,
          "cross_attention_dim": %d,
          "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
          "downsample_padding": 1,%s
          "flip_sin_to_cos": true,
          "freq_shift": 0,
          "in_channels": 4,
          "layers_per_block": %d,
          "mid_block_scale_factor": 1,
          "mid_block_type": "UNetMidBlock2DCrossAttn",
          "norm_eps": 1e-05,
          "norm_num_groups": 32,
          "out_channels": 4,
          "sample_size": %d,
          "transformer_layers_per_block": %d,
          "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D"],
          "upcast_attention": false,
          "use_linear_projection": true
        }
        """, heads[0], heads[1], unetChannels[0], unetChannels[1], textHidden,
        ffMult == UNet2DConditionConfig.DIFFUSERS_FF_MULT ? "" : String.format(Locale.ROOT, "\n  \"ff_mult\": %d,", ffMult), layersPerBlock, LATENT,
        transformerLayers);
  }

  static String vaeConfig(double scaling) {
    return String.format(Locale.ROOT, """
        {
          "_class_name": "AutoencoderKL",
          "_diffusers_version": "0.35.2",
          "act_fn": "silu",
          "block_out_channels": [16, 32, 64],
          "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
          "in_channels": 3,
          "latent_channels": 4,
          "layers_per_block": 1,
          "mid_block_add_attention": true,
          "norm_num_groups": 16,
          "out_channels": 3,
          "sample_size": 32,
          "scaling_factor": %.6f,
          "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"]
        }
        """, scaling);
  }

  String textConfig() {
    return String.format(Locale.ROOT, """
        {
          "architectures": ["CLIPTextModel"],
          "bos_token_id": 926,
          "eos_token_id": 927,
          "hidden_act": "quick_gelu",
          "hidden_size": %d,
          "intermediate_size": %d,
          "layer_norm_eps": 1e-05,
          "max_position_embeddings": 77,
          "model_type": "clip_text_model",
          "num_attention_heads": %d,
          "num_hidden_layers": %d,
          "pad_token_id": 927,
          "projection_dim": %d,
          "vocab_size": 928
        }
        """, textHidden, 4 * textHidden, textHeads, textLayers, textHidden);
  }

  static final String SCHEDULER = """
      {
        "_class_name": "DDIMScheduler",
        "_diffusers_version": "0.35.2",
        "beta_end": 0.012,
        "beta_schedule": "scaled_linear",
        "beta_start": 0.00085,
        "clip_sample": false,
        "num_train_timesteps": 1000,
        "prediction_type": "v_prediction",
        "set_alpha_to_one": false,
        "steps_offset": 1,
        "timestep_spacing": "leading"
      }
      """;

  static final String MODEL_INDEX = """
      {
        "_class_name": "StableDiffusionPipeline",
        "_diffusers_version": "0.35.2",
        "requires_safety_checker": false,
        "scheduler": ["diffusers", "DDIMScheduler"],
        "text_encoder": ["transformers", "CLIPTextModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"]
      }
      """;

  /** alphas_cumprod of the scaled_linear schedule (0.00085 .. 0.012, 1000 steps). */
  public static double[] alphasCumprod() {
    double[] a = new double[1000];
    double lo = Math.sqrt(0.00085);
    double hi = Math.sqrt(0.012);
    double p = 1;
    for (int i = 0; i < 1000; i++) {
      double s = lo + (hi - lo) * i / 999.0;
      p *= 1 - s * s;
      a[i] = p;
    }
    return a;
  }
}
