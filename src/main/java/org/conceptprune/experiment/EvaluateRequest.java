package org.conceptprune.experiment;

import java.nio.file.Path;
import java.util.List;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.util.ProgressListener;
import org.conceptprune.util.UserError;

/**
 * One {@code evaluate} run: the experiment, its settings, the models, and what part of the prompt set
 * to run. {@link #run} creates the experiment, generates, scores and reports (or merges shards).
 *
 * @param kind the experiment named on the command line (null: the recipe's)
 * @param options the evaluator and sampler settings, the recipe's filled in ({@link Recipe#fill})
 * @param template, imagesPerPrompt gender's prompt and images per profession (null: the recipe's, else its default)
 * @param models the models (the first is the base; none: the shipped toy model, toy only)
 * @param merge shard folders to join into {@code out} instead of running (null: run)
 * @param workers copies of the model generating in parallel ({@link Evaluation})
 */
public record EvaluateRequest(ExperimentKind kind, Recipe recipe, EvalOptions options, ToySettings toy, String template,
    Integer imagesPerPrompt, List<Evaluation.ModelSpec> models, Path config, Path out, List<Path> merge, Selection selection,
    boolean scoreOnly, int workers) {

  /** Runs the evaluation; progress goes to {@code log}. */
  public Evaluation.Outcome run(ProgressListener log) {
    ExperimentKind k = kind != null ? kind : recipe.kind();
    try (Experiment e = create(k, log)) {
      Evaluation ev = new Evaluation(e, out, log, workers);
      if (merge != null) return ev.merge(merge);
      List<Evaluation.ModelSpec> specs = models;
      if (specs.isEmpty()) {
        if (k != ExperimentKind.TOY) throw new UserError("--model is needed for the " + k.cliName() + " experiment");
        specs = List.of(new Evaluation.ModelSpec("base", ToyModel.extractBundled(), null));
      }
      return ev.run(specs, config, selection, scoreOnly);
    }
  }

  private Experiment create(ExperimentKind k, ProgressListener log) {
    return switch (k) {
      case TOY -> new ToyExperiment(toy.resolve(recipe, models, options.clip()), log);
      case ART_STYLE -> new ArtStyleExperiment(options);
      case COCO -> new CocoExperiment(options, out);
      case GENDER -> new GenderExperiment(options, template != null ? template : recipe.str("template"),
          imagesPerPrompt != null ? imagesPerPrompt : recipe.integer("images-per-prompt"));
      case OBJECT -> new ObjectExperiment(options);
      case NUDITY -> new NudityExperiment(options);
    };
  }
}
