package org.conceptprune.attack;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.util.ProgressListener;

/**
 * One attack: what it learns once per run ({@link #prepare}), then one attempt per prompt whose
 * target image shows the concept and whose unattacked image on the attacked model does not.
 * Generation and judging are the engine's ({@link AttackRun}); a method adds its optimisation loop.
 */
public interface AttackMethod {
  /** What an attempt shares with the engine; {@code log} hears the run's notes (one or more lines per prompt). */
  record Context(ModelPair models, Judge judge, String concept, GenerationSettings generation, List<PromptRow> rows,
      Path out, ProgressListener log) {
    public long seedOf(PromptRow r) {
      return generation.seedOf(r);
    }

    public double guidanceOf(PromptRow r) {
      return generation.guidanceOf(r);
    }
  }

  /**
   * @param prompt what the attacked model was given (the adversarial prompt, or a description when
   *     the prompt holds a learned token)
   * @param details the method's own record (per-timestep losses, GA fitness, ...), JSON-serialisable
   */
  record Attempt(String prompt, RgbImage image, Judge.Verdict verdict, Map<String, Object> details) {}

  String name();

  /** The settings that decide the result (compared on resume). */
  Map<String, Object> settings();

  /** Checks each prompt before anything runs (too long, no concept word, ...). */
  default void validate(Context ctx) {}

  /** Once per run, before the first attempt; may cache what it learns under {@code ctx.out()}. */
  default void prepare(Context ctx) {}

  /**
   * @param target the base model's image for the prompt and seed (it shows the concept)
   */
  Attempt attack(Context ctx, PromptRow row, RgbImage target);
}
