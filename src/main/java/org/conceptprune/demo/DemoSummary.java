package org.conceptprune.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.experiment.Bootstrap;
import org.conceptprune.experiment.ResultRow;
import org.conceptprune.toy.World;

/**
 * The demo's numbers, drawn from the evaluation's result rows: per concept its judged accuracy before
 * and after each method, the others kept and the share pruned; per method the mean over the concepts
 * (95% bootstrap interval over the concepts), median and quartiles; and the featured concept.
 *
 * <p>"Erased accuracy" is how often the judge finds the concept in images whose prompt asks for it;
 * "others kept" is how often it finds the asked style (a style concept) or object (an object concept)
 * in the sample pairs of the other concepts.
 */
public record DemoSummary(List<Concept> concepts, List<Method> methods, String featured, String rule) {
  /** The methods, by the suffix of their model label, with the names the page uses. */
  public static final Map<String, String> METHODS = methodNames();

  private static Map<String, String> methodNames() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("cp", "ConceptPrune");
    m.put("fia", "FIA");
    m.put("random", "random pruning");
    return m;
  }

  /** A number with its 95% interval over n items (lo, hi NaN where there is none). */
  public record Value(double value, double lo, double hi, int n) {
    static Value of(ResultRow r) {
      return r == null ? new Value(Double.NaN, Double.NaN, Double.NaN, 0) : new Value(r.value(), r.lo(), r.hi(), r.n());
    }

    static Value ofMean(double[] perConcept) {
      double[] m = Bootstrap.meanInterval(perConcept);
      return new Value(m[0], m[1], m[2], perConcept.length);
    }
  }

  /** One concept erased alone: before (the base model) and after, per method. */
  public record Concept(String name, boolean style, Value before, Value othersBefore, Map<String, Value> after,
      Map<String, Value> othersAfter, Map<String, Double> pruned) {}

  /** One method over every concept. */
  public record Method(String key, String name, Value before, Value after, Value othersBefore, Value othersAfter,
      double median, double q1, double q3, double pruned) {}

  public static final String RULE = "the median concept: concepts sorted by ConceptPrune's erased accuracy (ties in the world's order), the one in the middle (the lower of the two middle ones)";

  /**
   * @param rows the evaluation's rows (base model "base", a concept's models "CONCEPT-METHOD")
   * @param pruned model label -> the share of ff.net.2 weights its mask zeroes
   */
  public static DemoSummary of(List<ResultRow> rows, List<String> names, World w, Map<String, Double> pruned) {
    Map<String, ResultRow> byKey = new LinkedHashMap<>();
    for (ResultRow r : rows) byKey.put(r.model() + "|" + r.subject() + "|" + r.metric(), r);
    List<Concept> concepts = new ArrayList<>();
    for (String c : names) {
      boolean style = w.isStyleConcept(c);
      String others = style ? "others_style_acc" : "others_object_acc";
      Map<String, Value> after = new LinkedHashMap<>();
      Map<String, Value> othersAfter = new LinkedHashMap<>();
      Map<String, Double> share = new LinkedHashMap<>();
      for (String m : METHODS.keySet()) {
        String label = c + "-" + m;
        after.put(m, Value.of(byKey.get(label + "|" + c + "|erased_acc")));
        othersAfter.put(m, Value.of(byKey.get(label + "|" + c + "|" + others)));
        share.put(m, pruned.getOrDefault(label, Double.NaN));
      }
      concepts.add(new Concept(c, style, Value.of(byKey.get("base|" + c + "|erased_acc")), Value.of(byKey.get("base|" + c + "|" + others)),
          after, othersAfter, share));
    }
    List<Method> methods = new ArrayList<>();
    for (var m : METHODS.entrySet()) {
      double[] after = concepts.stream().mapToDouble(c -> c.after().get(m.getKey()).value()).toArray();
      double[] sorted = after.clone();
      Arrays.sort(sorted);
      methods.add(new Method(m.getKey(), m.getValue(), Value.ofMean(concepts.stream().mapToDouble(c -> c.before().value()).toArray()),
          Value.ofMean(after), Value.ofMean(concepts.stream().mapToDouble(c -> c.othersBefore().value()).toArray()),
          Value.ofMean(concepts.stream().mapToDouble(c -> c.othersAfter().get(m.getKey()).value()).toArray()),
          quantile(sorted, 0.5), quantile(sorted, 0.25), quantile(sorted, 0.75),
          Bootstrap.mean(concepts.stream().mapToDouble(c -> c.pruned().get(m.getKey())).toArray())));
    }
    return new DemoSummary(concepts, methods, featured(concepts), RULE);
  }

  /** The median concept by ConceptPrune's erased accuracy (ties in the given order; the lower middle one of an even count). */
  static String featured(List<Concept> concepts) {
    List<Concept> sorted = new ArrayList<>(concepts); // stable: ties keep the world's order
    sorted.sort(Comparator.comparingDouble(c -> c.after().get("cp").value()));
    return sorted.get((sorted.size() - 1) / 2).name();
  }

  /** Linear interpolation between order statistics (numpy's default), of sorted values. */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  public Concept concept(String name) {
    return concepts.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }
}
