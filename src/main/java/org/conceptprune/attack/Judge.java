package org.conceptprune.attack;

import java.nio.file.Path;
import java.util.List;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.util.UserError;

/**
 * Says whether an image shows a concept: the success criterion of an attack. The judges are the
 * evaluators of {@code evaluate} with the decision rule UnlearnDiffAtk uses for each kind of concept.
 */
public interface Judge extends AutoCloseable {
  /** @param shows the concept is there; @param score the judge's confidence in it; @param label what it saw */
  record Verdict(boolean shows, double score, String label) {}

  /** What the judge is, for the outcome files. */
  String describe();

  /** @throws UserError when this judge cannot tell whether an image shows {@code concept} */
  void requireConcept(String concept);

  Verdict judge(RgbImage image, String concept);

  @Override
  default void close() {}

  /**
   * Opens the judge {@code spec} names.
   *
   * @param against clip only: the other class names of the zero-shot choice
   */
  static Judge open(JudgeSpec spec, List<String> against, int threads) {
    return open(spec, against, threads, null);
  }

  /**
   * As {@link #open(JudgeSpec, List, int)}; {@code toy} judges with the judge of the toy model folder
   * toyModel (its world's judge in judge/, see {@code ToyModel.judge}), or the bundled one when null.
   */
  static Judge open(JudgeSpec spec, List<String> against, int threads, Path toyModel) {
    return open(spec, against, threads, toyModel, 1);
  }

  /** As above; @param top style only: success when the artist is among the first {@code top} classes */
  static Judge open(JudgeSpec spec, List<String> against, int threads, Path toyModel, int top) {
    return switch (spec.kind()) {
      case TOY -> toyModel == null ? ToyConceptJudge.bundled() : ToyConceptJudge.forModel(toyModel);
      case CLASSIFY -> ClassifierJudge.open(spec.file());
      case NUDITY -> NudityJudge.open(spec.file(), threads);
      case CLIP -> ClipJudge.open(spec.file(), against);
      case STYLE -> StyleJudge.open(spec.file(), top);
    };
  }
}
