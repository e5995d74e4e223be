package org.conceptprune.experiment;

import java.util.List;
import java.util.Map;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.pipeline.StableDiffusion;

/**
 * A named recipe: a prompt set, how to sample it, which models to compare, how to score each image
 * and which numbers to draw from the scores. The engine ({@link Evaluation}) does the rest:
 * generation with resume, shards, merge, results, report.
 */
public interface Experiment extends AutoCloseable {
  String name();

  PromptSet prompts();

  GenerationSettings generation();

  /** The recipe's parameters (target concept, evaluator files, ...), for the manifest and the report. */
  Map<String, String> describe();

  /** Models the recipe derives from the base model itself (toy: its ConceptPrune and random masks). */
  default List<ModelVariant> derivedModels(ModelVariant base, StableDiffusion sd) {
    return List.of();
  }

  /**
   * As above, with identical copies of the base model to work on in parallel (one per worker; the
   * first is the one above); the models and their order must not depend on how many there are.
   */
  default List<ModelVariant> derivedModels(ModelVariant base, List<StableDiffusion> workers) {
    return derivedModels(base, workers.get(0));
  }

  /** Whether a model generates a row (toy: a concept's masks only generate what they are judged on). */
  default boolean generates(ModelVariant model, PromptRow row) {
    return true;
  }

  /** Per-image scores of one model's images, in row order; may load its evaluators on first use. */
  List<ImageScore> score(String model, List<PromptRow> rows, List<RgbImage> images);

  /**
   * The numbers: per model (and subject: the erased concept, a class, ...), from every image score
   * of every model. {@code base} is the label of the unpruned model.
   */
  List<ResultRow> summarize(List<ImageScore> scores, List<String> models, String base);

  /** Columns of the paper-like text table: metric names in order (rows are models). */
  List<String> tableMetrics();

  /** The recipe's own sections of the HTML report (plots of its metrics), after the results table; "" for none. */
  default String reportHtml(List<ResultRow> rows, List<String> models) {
    return "";
  }

  /** Models plotted against k and t̂ (label -> {k, t̂}), for the sweep plot; empty for none. */
  /** A short line shown under an image in the report's grids (its scores), or null for none. */
  default String imageCaption(ImageScore score) {
    return null;
  }

  default Map<String, double[]> sweep() {
    return Map.of();
  }

  @Override
  default void close() {}
}
