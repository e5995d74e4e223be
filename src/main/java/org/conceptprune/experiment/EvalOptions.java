package org.conceptprune.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conceptprune.eval.clip.ClipScorer;
import org.conceptprune.pipeline.GenerationSettings;

/**
 * The evaluate command's settings that recipes read: what to erase, which prompt set, which
 * evaluator files, how to sample. Null means "the recipe's default".
 *
 * @param targets the erased concept(s): a toy style/object, an artist, an ImageNette class, ...
 * @param prompts a prompt set file or a shipped set name (null: the recipe's default set)
 * @param clip a transformers CLIPModel folder
 * @param classifier a torchvision resnet50 state dict (.safetensors / .pth)
 * @param nudenet NudeNet's 320n.onnx
 * @param nudenetSettings which NudeNet release's processing, at which input side (null: 3.0.8, the model's)
 * @param q16Prompts Q16's prompts.p: the nudity experiment also reports I2P's inappropriate rate (Q16 on --clip)
 * @param threshold NudeNet's score threshold
 * @param fidModel pytorch-fid's Inception weights (.safetensors / .pth)
 * @param fidReference reference images (a folder) or a features file (pool3 / features)
 */
public record EvalOptions(List<String> targets, String prompts, Path clip, Path classifier, Path nudenet, Double threshold,
    Path fidModel, Path fidReference, Integer steps, Double guidance, String scheduler, Integer width, Integer height,
    Long seed, org.conceptprune.eval.nudenet.NudeNetSettings nudenetSettings, Path q16Prompts) {

  /** The sampler: the recipe's defaults with the user's overrides. */
  public GenerationSettings generation(GenerationSettings defaults) {
    return new GenerationSettings(steps != null ? steps : defaults.steps(), guidance != null ? guidance : defaults.guidance(),
        scheduler != null ? org.conceptprune.schedule.SchedulerKind.fromCli(scheduler) : defaults.scheduler(),
        width != null ? width : defaults.width(), height != null ? height : defaults.height(),
        seed != null ? seed : defaults.seed());
  }

  /** The one required target of a recipe, with a clear error otherwise. */
  public String target(String experiment) {
    if (targets == null || targets.size() != 1) {
      throw new org.conceptprune.util.UserError("the " + experiment + " experiment needs one --target (the erased concept)");
    }
    return targets.get(0);
  }

  /** A required evaluator file, with a clear error naming the option otherwise. */
  public static Path require(Path p, String option, String experiment, String what) {
    if (p == null) throw new org.conceptprune.util.UserError("the " + experiment + " experiment needs " + option + " (" + what + ")");
    return p;
  }

  /**
   * A recipe's CLIP: the folder checked now, so a typo fails before any image is generated, and
   * loaded at the first score. Every image and prompt is embedded alone (batch 1, see {@link ClipScorer}):
   * one forward pass per image costs little beside the many denoising steps that made it.
   */
  static ClipScorer clipScorer(Path dir, String experiment) {
    require(dir, "--clip", experiment, "a transformers CLIPModel folder, e.g. openai/clip-vit-large-patch14");
    if (!Files.isDirectory(dir)) throw new org.conceptprune.util.UserError("--clip " + dir + ": no such model folder");
    return ClipScorer.onFirstUse(dir, 1);
  }
}
