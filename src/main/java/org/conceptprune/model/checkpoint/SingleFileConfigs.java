package org.conceptprune.model.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.io.checkpoint.SdArch;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.model.unet.UNet2DConditionConfig;
import org.conceptprune.util.UserError;

/**
 * The stock diffusers configs shipped for single files, one folder per {@link SdArch} under
 * {@code src/main/resources/conceptprune/configs/}: SD-1.5, SD-2.1 (768, v-prediction) and SDXL base
 * 1.0. A single file carries no config; a fine-tune of another shape needs {@code --config DIR}.
 * Tokenizer vocab/merges are not among them (the tokenizer files ship separately).
 */
public final class SingleFileConfigs {
  private static final String ROOT = "conceptprune/configs/";

  private SingleFileConfigs() {}

  /** The files of a config folder, relative to it. */
  public static List<String> files(SdArch arch) {
    List<String> f = new ArrayList<>(List.of("model_index.json", "scheduler/scheduler_config.json",
        "unet/config.json", "vae/config.json", "text_encoder/config.json",
        "tokenizer/tokenizer_config.json", "tokenizer/special_tokens_map.json"));
    if (arch == SdArch.SDXL) {
      f.addAll(List.of("text_encoder_2/config.json", "tokenizer_2/tokenizer_config.json",
          "tokenizer_2/special_tokens_map.json"));
    } else {
      f.add("feature_extractor/preprocessor_config.json");
    }
    return f;
  }

  /** Copies the stock config folder of {@code arch} to {@code dir} (a diffusers model folder skeleton). */
  public static void extract(SdArch arch, Path dir) {
    for (String rel : files(arch)) {
      Path target = dir.resolve(rel);
      try (InputStream in = open(arch, rel)) {
        Files.createDirectories(target.getParent());
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UserError("cannot write " + target + " (" + e.getMessage() + ")", e);
      }
    }
  }

  /** The stock UNet config of {@code arch}. */
  static UNet2DConditionConfig defaultUnet(SdArch arch) {
    try {
      Path tmp = Files.createTempFile("unet-" + arch.configName + "-", ".json");
      try (InputStream in = open(arch, "unet/config.json")) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        return UNet2DConditionConfig.read(tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the bundled " + arch + " UNet config", e);
    }
  }

  /**
   * The stock UNet config of {@code arch}, checked against what the file shows (input channels, width,
   * cross-attention width, projection kind, number of input blocks). A mismatch (an inpainting model,
   * a pruned-depth fine-tune) is an error asking for {@code --config DIR}.
   */
  public static UNet2DConditionConfig defaultUnetFor(TensorSource src, SdArch arch) {
    UNet2DConditionConfig c = defaultUnet(arch);
    List<String> diff = new ArrayList<>();
    check(diff, "in_channels", c.inChannels(), SingleFileProbe.inChannels(src));
    check(diff, "block_out_channels[0]", c.blockOutChannels()[0], SingleFileProbe.modelChannels(src));
    check(diff, "cross_attention_dim", c.crossAttentionDim()[0], SingleFileProbe.contextDim(src));
    int blocks = 1 + (c.numBlocks() - 1); // conv_in and the downsamplers, then the resnets
    for (int l : c.layersPerBlock()) blocks += l;
    check(diff, "input blocks", blocks, SingleFileProbe.inputBlocks(src));
    if (c.useLinearProjection() != SingleFileProbe.linearProjection(src)) {
      diff.add("use_linear_projection: stock " + c.useLinearProjection() + ", file " + !c.useLinearProjection());
    }
    if (!diff.isEmpty()) {
      throw new UserError(src.describe() + " does not have the stock " + arch + " UNet shape ("
          + String.join("; ", diff) + "): pass --config DIR with its diffusers configs");
    }
    return c;
  }

  private static void check(List<String> diff, String what, int stock, int file) {
    if (file >= 0 && stock != file) diff.add(what + ": stock " + stock + ", file " + file);
  }

  private static InputStream open(SdArch arch, String rel) {
    String name = ROOT + arch.configName + "/" + rel;
    InputStream in = SingleFileConfigs.class.getClassLoader().getResourceAsStream(name);
    if (in == null) throw new IllegalStateException("bundled config missing: " + name);
    return in;
  }
}
