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
   * {@code toy}, {@code classify:WEIGHTS}, {@code nudity:ONNX}, {@code clip:DIR} or {@code style:DIR}.
   *
   * @param against clip only: the other class names of the zero-shot choice
   */
  static Judge open(String spec, List<String> against, int threads) {
    return open(spec, against, threads, null);
  }

  /**
   * As {@link #open(String, List, int)}; {@code toy} judges with the judge of the toy model folder
   * toyModel (its world's judge in judge/, see {@code ToyModel.judge}), or the bundled one when null.
   */
  static Judge open(String spec, List<String> against, int threads, Path toyModel) {
    return open(spec, against, threads, toyModel, 1);
  }

  /** As above; @param top style only: success when the artist is among the first {@code top} classes */
  static Judge open(String spec, List<String> against, int threads, Path toyModel, int top) {
    int colon = spec.indexOf(':');
    String kind = colon < 0 ? spec : spec.substring(0, colon);
    String arg = colon < 0 ? null : spec.substring(colon + 1);
    switch (kind) {
      case "toy" -> {
        if (arg != null) throw new UserError("--judge toy takes no argument (the judge shipped in the jar), got '" + spec + "'");
        return toyModel == null ? ToyConceptJudge.bundled() : ToyConceptJudge.forModel(toyModel);
      }
      case "classify", "nudity", "clip", "style" -> {
        if (arg == null || arg.isEmpty()) throw new UserError("--judge " + kind + " needs a file: " + kind + ":PATH");
        Path p = Path.of(arg);
        return switch (kind) {
          case "classify" -> ClassifierJudge.open(p);
          case "nudity" -> NudityJudge.open(p, threads);
          case "style" -> StyleJudge.open(p, top);
          default -> ClipJudge.open(p, against);
        };
      }
      default -> throw new UserError("unknown judge '" + spec + "' (toy, classify:WEIGHTS, nudity:ONNX, clip:DIR or style:DIR)");
    }
  }
}
