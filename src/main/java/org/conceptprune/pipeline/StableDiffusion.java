package org.conceptprune.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.checkpoint.ModelIndex;
import org.conceptprune.model.clip.ClipTextConfig;
import org.conceptprune.model.clip.ClipTextModel;
import org.conceptprune.model.clip.ClipTokenizer;
import org.conceptprune.model.unet.UNet2DConditionModel;
import org.conceptprune.model.vae.AutoencoderKL;
import org.conceptprune.model.vae.AutoencoderKLConfig;
import org.conceptprune.nn.WeightLoader;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.schedule.SchedulerConfig;

/**
 * A loaded Stable Diffusion model: tokenizer(s), text encoder(s), UNet, VAE and the scheduler
 * config, with the native memory that holds their weights. SD-1.x/2.x have one text encoder; SDXL
 * has two ({@code text_encoder_2} with a projection gives the pooled embedding).
 */
public final class StableDiffusion implements AutoCloseable {
  public final Path source;
  public final NDManager manager;
  public final ClipTokenizer tokenizer;
  public final ClipTextModel textEncoder;
  public final ClipTokenizer tokenizer2;
  public final ClipTextModel textEncoder2;
  public final UNet2DConditionModel unet;
  public final AutoencoderKL vae;
  public final SchedulerConfig schedulerConfig;
  /** SDXL: with no negative prompt, the negative embeddings are zeros (model_index.json). */
  public final boolean forceZerosForEmptyPrompt;
  /** Prompts encoded ahead, in place of text encoders whose weights are not loaded; null normally. */
  final PromptEmbeddings embeddings;

  StableDiffusion(Path source, NDManager manager, ClipTokenizer tokenizer, ClipTextModel textEncoder,
      ClipTokenizer tokenizer2, ClipTextModel textEncoder2, UNet2DConditionModel unet, AutoencoderKL vae,
      SchedulerConfig schedulerConfig, boolean forceZerosForEmptyPrompt, PromptEmbeddings embeddings) {
    this.source = source;
    this.manager = manager;
    this.tokenizer = tokenizer;
    this.textEncoder = textEncoder;
    this.tokenizer2 = tokenizer2;
    this.textEncoder2 = textEncoder2;
    this.unet = unet;
    this.vae = vae;
    this.schedulerConfig = schedulerConfig;
    this.forceZerosForEmptyPrompt = forceZerosForEmptyPrompt;
    this.embeddings = embeddings;
  }

  public boolean isSdxl() {
    return textEncoder2 != null;
  }

  /** Loads every component of a diffusers folder into native memory (fp32 on CPU, the UNet in {@link TorchRuntime#unetType()}). */
  public static StableDiffusion loadFolder(Path dir) {
    return loadFolder(dir, TorchRuntime.unetType());
  }

  /** As above with the UNet's dtype given (FLOAT32 or BFLOAT16 on CPU). */
  public static StableDiffusion loadFolder(Path dir, DataType unetType) {
    try (ModelSource src = ModelSource.open(dir, null)) {
      return load(src, unetType);
    }
  }

  /** Loads a diffusers folder or a single file (configs from {@code config}, or bundled when null). */
  public static StableDiffusion load(Path model, Path config) {
    try (ModelSource src = ModelSource.open(model, config)) {
      return load(src);
    }
  }

  /**
   * Loads every component into native memory: weights are read tensor by tensor and widened to fp32
   * on CPU; the UNet's are narrowed to bf16 instead under bf16 precision ({@link TorchRuntime#unetType()}).
   * The text encoder and the VAE stay fp32 (they run once per prompt and per image).
   */
  public static StableDiffusion load(ModelSource src) {
    return load(src, TorchRuntime.unetType());
  }

  /** As above with the UNet's dtype given. */
  public static StableDiffusion load(ModelSource src, DataType unetType) {
    return load(src, unetType, Parts.ALL, null);
  }

  /** Which weights a load binds; the other components are built from their configs but hold no weights. */
  private record Parts(boolean text, boolean unet, boolean vae) {
    static final Parts ALL = new Parts(true, true, true);
  }

  /**
   * For a statistics pass over the UNet, which never decodes: the text encoder(s) are loaded first,
   * encode {@code promptBatches} (every batch of prompt strings the pass will condition on, see
   * {@link TextToImage#promptBatches}) and are freed; then the UNet is loaded, with no VAE weights
   * (the VAE's config stays: the latent size comes from it). Only the UNet's weights are in memory
   * while it runs (SD-1.5 in fp32: 3.4 GB instead of 3.4 + 0.5 + 0.3).
   */
  public static StableDiffusion loadUnetForStatistics(ModelSource src, Collection<List<String>> promptBatches) {
    PromptEmbeddings embeddings;
    try (StableDiffusion text = load(src, TorchRuntime.unetType(), new Parts(true, false, false), null)) {
      embeddings = PromptEmbeddings.encode(text, promptBatches);
    }
    return load(src, TorchRuntime.unetType(), new Parts(false, true, false), embeddings);
  }

  /** For a statistics pass over the text encoder (site text-fc2): its weights alone. */
  public static StableDiffusion loadTextEncoderForStatistics(ModelSource src) {
    return load(src, TorchRuntime.unetType(), new Parts(true, false, false), null);
  }

  private static StableDiffusion load(ModelSource src, DataType unetType, Parts parts, PromptEmbeddings embeddings) {
    Path dir = src.configDir;
    DataType dt = TorchRuntime.computeType();
    NDManager m = TorchRuntime.newManager();
    try {
      ClipTokenizer tok = ClipTokenizer.load(dir.resolve(ModelIndex.TOKENIZER));
      ClipTextModel te = loadTextEncoder(src, Component.TEXT_ENCODER, m, dt, parts.text());
      ClipTokenizer tok2 = null;
      ClipTextModel te2 = null;
      if (src.has(Component.TEXT_ENCODER_2)) {
        tok2 = ClipTokenizer.load(dir.resolve(ModelIndex.TOKENIZER_2));
        te2 = loadTextEncoder(src, Component.TEXT_ENCODER_2, m, dt, parts.text());
      }
      UNet2DConditionModel unet = new UNet2DConditionModel(src.unetConfig());
      if (parts.unet()) WeightLoader.load(Component.UNET.diffusersName, unet, src.weights(Component.UNET), m, k -> false, unetType);
      AutoencoderKL vae = new AutoencoderKL(AutoencoderKLConfig.read(dir.resolve("vae/config.json")));
      if (parts.vae()) WeightLoader.load(Component.VAE.diffusersName, vae, src.weights(Component.VAE), m, k -> false, dt);
      SchedulerConfig sc = SchedulerConfig.load(dir.resolve("scheduler/scheduler_config.json"));
      boolean zeros = readForceZeros(dir.resolve("model_index.json"), te2 != null);
      return new StableDiffusion(src.path, m, tok, te, tok2, te2, unet, vae, sc, zeros, embeddings);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private static ClipTextModel loadTextEncoder(ModelSource src, Component c, NDManager m, DataType dt, boolean weights) {
    ClipTextModel te = new ClipTextModel(ClipTextConfig.read(src.configDir.resolve(c.diffusersName).resolve("config.json")));
    if (weights) WeightLoader.load(c.diffusersName, te, src.weights(c), m, ClipTextModel::isBuffer, dt);
    return te;
  }

  /** diffusers' SDXL pipeline defaults force_zeros_for_empty_prompt to true. */
  static boolean readForceZeros(Path modelIndex, boolean sdxl) {
    var c = org.conceptprune.io.checkpoint.ConfigNode.read(modelIndex);
    return c.optBool("force_zeros_for_empty_prompt", sdxl);
  }

  @Override
  public void close() {
    manager.close();
  }
}
