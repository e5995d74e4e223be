package org.conceptprune.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conceptprune.experiment.ToyAblation;
import org.conceptprune.experiment.ToyExperiment;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.World;
import org.conceptprune.util.ProgressListener;

/**
 * The demo in four stages, each resumable (a rerun reuses the images and attack outcomes there):
 * <ol>
 *   <li>{@code OUT/evaluation/}: {@code evaluate --experiment toy} with every concept erased alone by
 *       ConceptPrune, FIA at as many weights and random pruning of as many weights, the others judged on
 *       a fixed sample of pairs, and the all-{@code ff.net.2} ceiling;
 *   <li>{@code OUT/sweep/}: the k x t̂ sweep of the featured concept (the median one, {@link DemoSummary#RULE});
 *   <li>{@code OUT/robustness/}: revival and UnlearnDiffAtk on the featured concept under each method;
 *   <li>{@code OUT/results.json} and {@code OUT/index.html}.
 * </ol>
 */
public final class Demo {
  private Demo() {}

  /** What a run wrote: the page, its numbers, and seconds per stage. */
  public record Result(Path page, Path results, DemoSummary summary, List<Robustness.Row> robustness, Map<String, Double> seconds) {}

  /** Runs (or resumes) the demo; each stage's progress and the notes go to {@code log}. */
  public static Result run(DemoRequest r, ProgressListener log) {
    long start = System.nanoTime();
    Map<String, Double> seconds = new LinkedHashMap<>();
    Path base = r.model() != null ? r.model() : ToyModel.extractBundled();
    World w = ToyModel.world(base);
    List<String> concepts = r.concepts().isEmpty() ? all(w) : r.concepts();
    log.note(String.format(Locale.ROOT, "demo 1/4: erase each of %d concepts alone with %s (as many weights as ConceptPrune)",
        concepts.size(), String.join(", ", DemoSummary.METHODS.values())));
    var o1 = new ToyExperiment.Options(concepts, r.k(), r.tHat(), r.perConcept(), 0, List.of(), List.of(), List.of(ToyAblation.FF_NET_2), r.model(), null,
        true, Map.of(), 1, r.othersSample(), r.askingLimit(), true, 0);
    ToyExperiment.Run main = ToyExperiment.run(o1, base, r.out().resolve("evaluation"), r.workers(), log);
    Map<String, MaskSet> masks = main.masks();
    seconds.put("erase", lap(start, seconds));
    Map<String, Double> pruned = new LinkedHashMap<>();
    masks.forEach((label, m) -> pruned.put(label, m.overall().pruned() / (double) m.overall().total()));
    DemoSummary summary = DemoSummary.of(main.outcome().rows(), concepts, w, pruned);
    String featured = summary.featured();

    log.note(String.format(Locale.ROOT, "demo 2/4: the featured concept is %s (%s); k x t̂ sweep of it", featured, DemoSummary.RULE));
    var o2 = new ToyExperiment.Options(List.of(featured), r.k(), r.tHat(), r.perConcept(), 0, r.sweepK(), r.sweepT(), List.of(), r.model(),
        null, false, Map.of(), 1, r.othersSample(), r.askingLimit(), false, 0);
    ToyExperiment.Run sweep = ToyExperiment.run(o2, base, r.out().resolve("sweep"), r.workers(), log);
    seconds.put("sweep", lap(start, seconds));

    log.note(String.format(Locale.ROOT, "demo 3/4: attacks on %s: revival and UnlearnDiffAtk (%s)", featured, Robustness.budget(r)));
    Map<String, MaskSet> featuredMasks = new LinkedHashMap<>();
    for (String m : DemoSummary.METHODS.keySet()) featuredMasks.put(m, masks.get(featured + "-" + m));
    List<Robustness.Row> rob = Robustness.run(base, r.model(), w, featured, featuredMasks, r, r.out().resolve("robustness"), log);
    seconds.put("attacks", lap(start, seconds));

    log.note("demo 4/4: results.json and index.html");
    DemoResults results = new DemoResults(r, summary, main.outcome().rows(), main.prompts(), sweep.outcome().rows(), sweep.sweep(), rob, base, seconds);
    Path json = results.write(r.out());
    Path page = DemoPage.write(r.out(), results);
    seconds.put("page", lap(start, seconds));
    return new Result(page, json, summary, rob, seconds);
  }

  /** Every style, then every object of the world. */
  static List<String> all(World w) {
    List<String> out = new ArrayList<>(w.styleNames());
    out.addAll(w.objects());
    return out;
  }

  /** Seconds since the end of the previous stage. */
  private static double lap(long start, Map<String, Double> seconds) {
    double total = (System.nanoTime() - start) / 1e9;
    return total - seconds.values().stream().mapToDouble(Double::doubleValue).sum();
  }
}
