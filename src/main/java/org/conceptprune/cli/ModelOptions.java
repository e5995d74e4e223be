package org.conceptprune.cli;

import java.nio.file.Path;
import org.conceptprune.util.OutputPaths;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Mixin: MODEL (a diffusers folder or a single file: .safetensors or a PyTorch .ckpt) and --config for single files. */
public final class ModelOptions {
  @Parameters(index = "0", paramLabel = "MODEL",
      description = "A diffusers model folder, or a single-file checkpoint (A1111/ComfyUI key names): .safetensors, or a PyTorch .ckpt/.pt/.pth read without running its code.")
  Path model;

  @Option(names = "--config", paramLabel = "DIR",
      description = "For a single file: a diffusers folder whose configs to use (default: the bundled SD-1.5, SD-2.1 or SDXL configs, chosen from the tensor names).")
  Path config;

  /** A checker of output paths that knows MODEL and --config as inputs. */
  OutputPaths inputs() {
    return OutputPaths.inputs().add("the input model", model).add("--config", config);
  }
}
