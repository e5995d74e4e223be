package org.conceptprune.cli;

import java.nio.file.Path;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Mixin: the sampler's settings, shared by generate, stats and prune. */
public final class SamplingOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "50", description = "Inference steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--guidance", paramLabel = "G", defaultValue = "7.5", description = "Classifier-free guidance scale (default ${DEFAULT-VALUE}; <= 1 disables guidance).")
  double guidance;

  @Option(names = "--scheduler", paramLabel = "S",
      description = "pndm, ddim, euler or dpmpp-2m (default: generate uses the model's own scheduler config; stats and prune use pndm, as the authors' pipeline).")
  String scheduler;

  @Option(names = "--width", paramLabel = "PX", defaultValue = "0", description = "Image width (default: the model's).")
  int width;

  @Option(names = "--height", paramLabel = "PX", defaultValue = "0", description = "Image height (default: the model's).")
  int height;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
      description = "Seed of the initial noise: torch.randn(shape, generator=torch.Generator().manual_seed(N)) on CPU, as diffusers draws it (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--latents", paramLabel = "FILE",
      description = "Initial latents: safetensors with a tensor 'latents' [N,C,h,w] (or [1,C,h,w]); scaled by the scheduler's init sigma as diffusers does.")
  Path latents;

  /** --seed if given, else the method's own default (FIA's reference reseeds with 1244). */
  long seedOr(long methodDefault) {
    return mixee.commandLine().getParseResult().hasMatchedOption("--seed") ? seed : methodDefault;
  }

  SchedulerKind schedulerKind() {
    return scheduler == null ? null : SchedulerKind.fromCli(scheduler);
  }

  /** [N, C, h, w] of --latents, or null. */
  long[] latentsShape() {
    if (latents == null) return null;
    try (SafetensorsFile f = SafetensorsFile.open(latents)) {
      return f.tensors().containsKey("latents") ? f.info("latents").shape() : null;
    }
  }

  /** The 'latents' tensor of --latents, or null. */
  float[] readLatents() {
    if (latents == null) return null;
    try (SafetensorsFile f = SafetensorsFile.open(latents)) {
      if (!f.tensors().containsKey("latents")) {
        throw new UserError(latents + ": no tensor 'latents' (found " + f.names() + ")");
      }
      var info = f.info("latents");
      if (info.shape().length != 4) {
        throw new UserError(latents + ": tensor 'latents' has shape " + info.shapeString() + ", expected [N,C,h,w]");
      }
      return f.floats("latents");
    }
  }
}
