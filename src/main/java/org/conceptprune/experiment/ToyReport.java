package org.conceptprune.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.World;
import org.conceptprune.util.ProgressListener;

/**
 * {@code toy eval}: a view of {@code evaluate --experiment toy}. It runs {@link ToyExperiment} with
 * every ablation, each concept erased alone (ConceptPrune and the random control), the k x t̂ sweep of
 * the first concept and, from three concepts on, three of them erased at once; then it prints the
 * erasure table and writes one JSON of those numbers, each with its 95% bootstrap interval.
 */
public final class ToyReport {
  private ToyReport() {}

  /** The group of three concepts erased together (a name no concept has: it holds hyphens). */
  static final String THREE = "three-at-once";

  /**
   * {@code toy eval}'s settings.
   *
   * @param model the base toy model folder (null: the shipped one)
   * @param concepts the styles / objects to erase (null: --quick's three, else every one)
   * @param quick three concepts (classic: zorbly, dravish, heart; another world: its first two styles and
   *     heart), 2 images per prompt variant asking for a concept (else 4)
   * @param sweep whether the first concept gets the k x t̂ sweep ({@link ToyDefaults#SWEEP_K} x {@link ToyDefaults#SWEEP_T})
   * @param objectsPerStyle 0 or the pairs judged: N objects of each style
   */
  public record Settings(Path model, List<String> concepts, boolean quick, double k, int tHat, boolean sweep,
      int objectsPerStyle, long seed) {}

  /** What a run wrote and found. */
  public record Result(ObjectNode report, List<String> table, int generated) {}

  /**
   * The concepts {@code toy eval} erases: the named ones, else --quick's three (classic: zorbly, dravish,
   * heart, the runs in docs/TOY-MODEL.md; another world: its first two styles and heart), else every
   * style and object.
   */
  public static List<String> concepts(World w, List<String> names, boolean quick) {
    if (names != null && !names.isEmpty()) return names;
    List<String> out = new ArrayList<>();
    if (quick) {
      out.add(w.style(0).name());
      out.add(w.style(w.isClassic() ? 8 : 1).name());
      out.add("heart");
      return out;
    }
    for (int s = 0; s < w.numStyles(); s++) out.add(w.style(s).name());
    out.addAll(w.objects());
    return out;
  }

  /** The experiment {@code toy eval} views. */
  static ToyExperiment.Options options(Settings s) {
    World w = ToyExperiment.worldOf(s.model());
    List<String> cs = concepts(w, s.concepts(), s.quick());
    Map<String, List<String>> groups = new LinkedHashMap<>();
    if (cs.size() >= 3) groups.put(THREE, three(cs));
    return new ToyExperiment.Options(cs, s.k(), s.tHat(), s.quick() ? 2 : 4, s.seed(),
        s.sweep() ? ToyDefaults.SWEEP_K : List.of(), s.sweep() ? ToyDefaults.SWEEP_T : List.of(), List.of(ToyAblation.values()),
        s.model(), null, false, groups, 1, 0, 0, true, s.objectsPerStyle());
  }

  /** The concepts erased at once: the first three, or from nine on the first, the ninth and the last (paper A.5). */
  static List<String> three(List<String> cs) {
    return cs.size() > 8 ? List.of(cs.get(0), cs.get(8), cs.get(cs.size() - 1)) : cs.subList(0, 3);
  }

  /**
   * Runs the evaluation into {@code out} (images, results.csv/json, index.html; a folder of an earlier run
   * of the same settings resumes), then the view.
   *
   * @param log the evaluation's progress
   */
  public static Result run(Settings s, Path out, int workers, ProgressListener log) {
    long t0 = System.nanoTime();
    ToyExperiment.Options o = options(s);
    ToyExperiment.Run run = ToyExperiment.run(o, s.model() != null ? s.model() : ToyModel.extractBundled(), out, workers, log);
    ObjectNode report = view(o, run.outcome().rows(), run.masks(), out);
    report.put("seconds", (System.nanoTime() - t0) / 1e9);
    return new Result(report, lines(report), run.outcome().generated());
  }

  /** The JSON report from the evaluation's rows and the masks of its models. */
  static ObjectNode view(ToyExperiment.Options o, List<ResultRow> rows, Map<String, MaskSet> masks, Path out) {
    World w = ToyExperiment.worldOf(o.model());
    ObjectNode r = new ObjectMapper().createObjectNode();
    ObjectNode st = r.putObject("settings");
    st.put("k", o.k()).put("t_hat", o.tHat()).put("steps", ToyDefaults.STEPS).put("guidance", ToyDefaults.GUIDANCE)
        .put("scheduler", "ddim").put("seed", o.seed()).put("images_per_concept_variant", o.perConcept())
        .put("world", w.name()).put("objects_per_style", o.objectsPerStyle() > 0 ? o.objectsPerStyle() : w.numObjects());
    r.put("evaluation", out.toAbsolutePath().toString());
    ObjectNode unpruned = r.putObject("unpruned");
    Results.putValue(unpruned, "object", ResultRow.find(rows, "base", "", "object_acc"));
    Results.putValue(unpruned, "style", ResultRow.find(rows, "base", "", "style_acc"));
    ObjectNode abl = r.putObject("ablation");
    for (ToyAblation a : o.ablations()) {
      ObjectNode x = abl.putObject(a.label());
      x.put("weights", masks.get(a.label()).overall().pruned());
      Results.putValue(x, "object", ResultRow.find(rows, a.label(), "", "object_acc"));
      Results.putValue(x, "style", ResultRow.find(rows, a.label(), "", "style_acc"));
    }
    ArrayNode erasure = r.putArray("erasure");
    for (String c : o.concepts()) {
      ObjectNode row = concept(erasure.addObject(), rows, masks, List.of(c), c + "-cp", c + "-random");
      if (c.equals(o.concepts().get(0)) && !o.sweepK().isEmpty()) {
        ArrayNode sweep = row.putArray("sweep");
        for (double k : o.sweepK()) {
          for (int t : o.sweepT()) {
            String label = String.format(Locale.ROOT, "%s-k%s-t%d", c, k, t);
            ObjectNode p = sweep.addObject().put("k", k).put("t_hat", t);
            size(p, masks.get(label));
            Results.putValue(p, "erased_after", ResultRow.find(rows, label, c, "erased_acc"));
            Results.putValue(p, "others_object_after", ResultRow.find(rows, label, c, "others_object_acc"));
            Results.putValue(p, "others_style_after", ResultRow.find(rows, label, c, "others_style_acc"));
          }
        }
      }
    }
    List<String> three = o.groups().get(THREE);
    if (three != null) concept(r.putObject("erasure_three_at_once"), rows, masks, three, THREE + "-cp", THREE + "-random");
    return r;
  }

  /**
   * One erasure's row: the concepts (one, or a group's), its size, and per erased concept before / after
   * ConceptPrune / after random pruning: the erased accuracy, the accuracy of what it appears with,
   * and the others kept (object and style accuracy on the pairs without it).
   */
  private static ObjectNode concept(ObjectNode row, List<ResultRow> rows, Map<String, MaskSet> masks, List<String> cs,
      String cp, String random) {
    row.put("concept", String.join(" + ", cs));
    size(row, masks.get(cp));
    String[] models = {"base", cp, random};
    String[] when = {"before", "after", "random"};
    for (String c : cs) {
      ObjectNode per = cs.size() == 1 ? row : (row.has("per_concept") ? (ObjectNode) row.get("per_concept") : row.putObject("per_concept")).putObject(c);
      for (int i = 0; i < 3; i++) {
        Results.putValue(per, "erased_" + when[i], ResultRow.find(rows, models[i], c, "erased_acc"));
        Results.putValue(per, "with_" + when[i], ResultRow.find(rows, models[i], c, "with_acc"));
        Results.putValue(per, "others_object_" + when[i], ResultRow.find(rows, models[i], c, "others_object_acc"));
        Results.putValue(per, "others_style_" + when[i], ResultRow.find(rows, models[i], c, "others_style_acc"));
      }
    }
    double[] mean = new double[3];
    for (int i = 0; i < 3; i++) {
      for (String c : cs) mean[i] += value(rows, models[i], c, "erased_acc") / cs.size();
    }
    row.put("erased_before_mean", mean[0]).put("erased_after_mean", mean[1]).put("erased_random_mean", mean[2]);
    Double ratio = dropRatio(mean[0], mean[1], mean[2]);
    if (ratio == null) row.putNull("drop_ratio_cp_over_random");
    else row.put("drop_ratio_cp_over_random", ratio);
    return row;
  }

  private static void size(ObjectNode o, MaskSet m) {
    MaskSet.Density d = m.overall();
    o.put("pruned_weights", d.pruned()).put("density_ffn2", (double) d.pruned() / d.total());
  }

  private static double value(List<ResultRow> rows, String model, String subject, String metric) {
    ResultRow x = ResultRow.find(rows, model, subject, metric);
    return x == null ? Double.NaN : x.value();
  }

  /**
   * ConceptPrune's drop of the erased accuracy over random pruning's; null (undefined) when random
   * pruning did not lower it, instead of a division by ~0 (it read 2.5e8 in a report).
   */
  static Double dropRatio(double before, double afterCp, double afterRandom) {
    double random = before - afterRandom;
    return random > 0 ? (before - afterCp) / random : null;
  }

  /** The lines {@code toy eval} prints: accuracy, ablations, then a row per erasure (and the sweep). */
  static List<String> lines(ObjectNode r) {
    List<String> out = new ArrayList<>();
    out.add("unpruned: object " + ci(r.path("unpruned").path("object")) + ", style " + ci(r.path("unpruned").path("style")));
    r.path("ablation").fields().forEachRemaining(e -> out.add(String.format(Locale.ROOT, "ablation %-18s (%,d weights): object %s, style %s",
        e.getKey(), e.getValue().path("weights").asLong(), ci(e.getValue().path("object")), ci(e.getValue().path("style")))));
    out.add(String.format(Locale.ROOT, "%-16s %8s | %-21s | %-21s | %-33s | %s", "concept", "density", "erased before/CP/rand",
        "with-it before/CP/rand", "others object, style: before/CP/rand", "drop CP/rand"));
    List<JsonNode> rows = new ArrayList<>();
    r.path("erasure").forEach(rows::add);
    if (r.has("erasure_three_at_once")) rows.add(r.get("erasure_three_at_once"));
    for (var row : rows) {
      String name = row.path("concept").asText();
      var per = row.has("per_concept") ? null : row;
      String erased = String.format(Locale.ROOT, "%.3f / %.3f / %.3f", row.path("erased_before_mean").asDouble(),
          row.path("erased_after_mean").asDouble(), row.path("erased_random_mean").asDouble());
      String with = per == null ? "(per concept in JSON)" : triple(per, "with_");
      String others = per == null ? "" : "o " + triple(per, "others_object_") + "  s " + triple(per, "others_style_");
      out.add(String.format(Locale.ROOT, "%-16s %8.4f | %-21s | %-21s | %-33s | %.3f / %.3f", name.length() > 16 ? name.substring(0, 16) : name,
          row.path("density_ffn2").asDouble(), erased, with, others,
          row.path("erased_before_mean").asDouble() - row.path("erased_after_mean").asDouble(),
          row.path("erased_before_mean").asDouble() - row.path("erased_random_mean").asDouble()));
      row.path("sweep").forEach(p -> out.add(String.format(Locale.ROOT,
          "  sweep k=%.3f t̂=%d: erased %s, others object %s, style %s, density %.4f", p.path("k").asDouble(), p.path("t_hat").asInt(),
          ci(p.path("erased_after")), ci(p.path("others_object_after")), ci(p.path("others_style_after")), p.path("density_ffn2").asDouble())));
    }
    return out;
  }

  private static String triple(JsonNode row, String prefix) {
    return String.format(Locale.ROOT, "%.2f/%.2f/%.2f", row.path(prefix + "before").path("value").asDouble(Double.NaN),
        row.path(prefix + "after").path("value").asDouble(Double.NaN), row.path(prefix + "random").path("value").asDouble(Double.NaN));
  }

  /** "0.833 [0.52, 0.98] (n=12)". */
  private static String ci(JsonNode v) {
    return String.format(Locale.ROOT, "%.3f [%.2f, %.2f] (n=%d)", v.path("value").asDouble(Double.NaN),
        v.path("ci95_low").asDouble(Double.NaN), v.path("ci95_high").asDouble(Double.NaN), v.path("n").asInt());
  }
}
