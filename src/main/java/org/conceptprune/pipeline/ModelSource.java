package org.conceptprune.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.checkpoint.SdArch;
import org.conceptprune.model.checkpoint.SingleFile;
import org.conceptprune.model.checkpoint.SingleFileConfigs;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.model.unet.UNet2DConditionConfig;
import org.conceptprune.util.UserError;

/**
 * Where a model's configs and weights come from: a diffusers folder, or a single-file checkpoint
 * ({@code .safetensors} or a PyTorch {@code .ckpt/.pt/.pth}; original key names) read through the
 * key-conversion views with configs from {@code --config DIR} or, for stock SD-1.5 / SD-2.1 / SDXL
 * shapes, the bundled configs. Either way the components are
 * seen under diffusers names, so everything downstream is layout-blind.
 */
public final class ModelSource implements AutoCloseable {
  public enum Layout { FOLDER, SINGLE_FILE }

  public final Path path;
  public final Layout layout;
  /** A folder with model_index.json, the component configs and the tokenizers. */
  public final Path configDir;
  public final SdArch arch;
  private final TensorSource single;
  private final UNet2DConditionConfig unetConfig;
  private final Path tempDir;
  private final List<TensorSource> opened = new ArrayList<>();

  private ModelSource(Path path, Layout layout, Path configDir, SdArch arch, TensorSource single,
      UNet2DConditionConfig unetConfig, Path tempDir) {
    this.path = path;
    this.layout = layout;
    this.configDir = configDir;
    this.arch = arch;
    this.single = single;
    this.unetConfig = unetConfig;
    this.tempDir = tempDir;
  }

  /**
   * @param model a diffusers folder, or a single file ({@code .safetensors}, or a {@code .ckpt/.pt/.pth} pickle)
   * @param config for a single file: a diffusers folder whose configs to use, or null for the bundled ones
   */
  public static ModelSource open(Path model, Path config) {
    if (Files.isDirectory(model)) {
      if (!Files.exists(model.resolve("model_index.json"))) {
        throw new UserError(model + ": no model_index.json (expected a diffusers model folder or a .safetensors file)");
      }
      UNet2DConditionConfig uc = UNet2DConditionConfig.read(model.resolve("unet/config.json"));
      return new ModelSource(model, Layout.FOLDER, model, archOf(uc), null, uc, null);
    }
    if (!Files.exists(model)) throw new UserError(model + ": no such model folder or file");
    if (!SingleFile.isSingleFile(model)) {
      throw new UserError(model + ": expected a diffusers folder, a .safetensors file or a PyTorch .ckpt/.pt/.pth checkpoint");
    }
    TensorSource f = SingleFile.open(model);
    Path tmp = null;
    try {
      SdArch arch = SingleFile.detect(f);
      tmp = Files.createTempDirectory("conceptprune-config-");
      if (config != null) {
        copyConfigs(config, tmp);
      } else {
        SingleFileConfigs.extract(arch, tmp);
      }
      addTokenizerFiles(tmp);
      UNet2DConditionConfig uc = config != null
          ? UNet2DConditionConfig.read(tmp.resolve("unet/config.json"))
          : SingleFileConfigs.defaultUnetFor(f, arch);
      return new ModelSource(model, Layout.SINGLE_FILE, tmp, arch, f, uc, tmp);
    } catch (IOException e) {
      f.close();
      throw new UserError("cannot prepare configs for " + model + " (" + e.getMessage() + ")", e);
    } catch (RuntimeException e) {
      f.close();
      deleteQuietly(tmp);
      throw e;
    }
  }

  /** SD-1.x, SD-2.x or SDXL, from the UNet's shape. */
  public static SdArch archOf(UNet2DConditionConfig c) {
    if ("text_time".equals(c.additionEmbedType())) return SdArch.SDXL;
    return c.useLinearProjection() ? SdArch.SD2 : SdArch.SD1;
  }

  public UNet2DConditionConfig unetConfig() {
    return unetConfig;
  }

  public boolean has(Component component) {
    return Files.isDirectory(configDir.resolve(component.diffusersName));
  }

  /** A component's weights under diffusers names; closed with this source. */
  public TensorSource weights(Component component) {
    TensorSource t = layout == Layout.FOLDER
        ? ShardedSafetensors.open(path.resolve(component.diffusersName))
        : SingleFile.component(single, arch, component, unetConfig);
    opened.add(t);
    return t;
  }

  /** The single file itself (original names), or null for a folder. */
  public TensorSource singleFile() {
    return single;
  }

  private static void copyConfigs(Path from, Path to) throws IOException {
    if (!Files.exists(from.resolve("unet/config.json"))) {
      throw new UserError(from + ": --config must be a diffusers folder with unet/config.json (and vae/, text_encoder/, scheduler/, tokenizer/)");
    }
    org.conceptprune.io.checkpoint.ConfigFiles.copy(from, to);
  }

  private static void addTokenizerFiles(Path dir) throws IOException {
    org.conceptprune.io.checkpoint.ConfigFiles.addTokenizerFiles(dir);
  }

  @Override
  public void close() {
    for (TensorSource t : opened) t.close();
    opened.clear();
    if (single != null) single.close();
    deleteQuietly(tempDir);
  }

  private static void deleteQuietly(Path p) {
    if (p == null) return;
    try (var s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    } catch (IOException ignored) {
      // temp files only
    }
  }
}
