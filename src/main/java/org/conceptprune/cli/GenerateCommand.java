package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.conceptprune.eval.image.ImageFiles;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TextToImage;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.Pruner;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.Progress;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code generate MODEL --prompt P ...}: text-to-image, the same sampler diffusers runs. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Text-to-image with the model (SD-1.x, SD-2.x, SDXL): PNGs, optionally the raw float images.")
public final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;
  @Mixin SamplingOptions sampling;

  @Option(names = {"-p", "--prompt"}, paramLabel = "P", required = true, description = "Prompt (repeatable: a batch).")
  List<String> prompts;

  @Option(names = {"-n", "--negative-prompt"}, paramLabel = "N", description = "Negative prompt (one for all, or one per prompt).")
  List<String> negatives;

  @Option(names = {"-o", "--out"}, paramLabel = "PATH", required = true,
      description = "A .png file (one prompt) or a folder for image-000.png, ...")
  Path out;

  @Option(names = "--save-raw", paramLabel = "FILE", description = "Also write the float images as safetensors tensor 'images' [N,H,W,3] in [0,1].")
  Path saveRaw;

  @Option(names = "--mask", paramLabel = "PATCH", description = "Apply a mask patch (from prune/mask) before generating.")
  Path mask;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    OutputPaths paths = model.inputs().add("--mask", mask).add("--latents", sampling.latents);
    paths.check("--out", out);
    paths.check("--save-raw", saveRaw);
    float[] latents = sampling.readLatents();
    try (StableDiffusion sd = StableDiffusion.load(model.model, model.config)) {
      err.println("runtime: " + TorchRuntime.describe());
      Pruner.Applied applied = null;
      if (mask != null) {
        MaskPatch patch = MaskPatch.read(mask);
        applied = Pruner.apply(sd.unet, patch.masks());
        err.println("applied mask " + mask + ": " + patch.masks().overall());
      }
      int width = sampling.width;
      int height = sampling.height;
      long[] ls = sampling.latentsShape();
      if (ls != null) {
        // Without --width/--height the image size follows the given latents, as diffusers' shapes would.
        int scale = sd.vae.config.scaleFactor();
        if (width == 0) width = (int) ls[3] * scale;
        if (height == 0) height = (int) ls[2] * scale;
      }
      var req = new TextToImage.Request(prompts, negatives, sampling.steps, sampling.guidance, sampling.schedulerKind(),
          width, height, sampling.seed, latents, true);
      Progress[] bar = {null};
      TextToImage.Result r = TextToImage.run(sd, req, new TextToImage.Listener() {
        @Override
        public void beforeCall(int call, int total) {
          if (bar[0] == null) bar[0] = new Progress("sampling", total, ProgressListener.printing(err));
        }

        @Override
        public boolean afterCall(int call, float[] l, float[] u) {
          bar[0].step();
          return true;
        }
      });
      if (applied != null) applied.close();
      List<Path> files = ImageFiles.writeAll(r.images(), prompts.size(), r.height(), r.width(), out);
      if (saveRaw != null) {
        new SafetensorsWriter().metadata("prompts", String.join("\n", prompts))
            .addFloats("images", new long[] {prompts.size(), r.height(), r.width(), 3}, r.images())
            .addFloats("latents", r.latentShape(), r.latents())
            .write(saveRaw);
      }
      spec.commandLine().getOut().println("wrote " + files.size() + " image(s): " + files + " (" + r.calls() + " UNet calls)");
      return 0;
    }
  }
}
