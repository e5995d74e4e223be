package org.conceptprune.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** The k most probable classes of one row of logits. */
public final class ClassRanking {
  private ClassRanking() {}

  /** One ranked class: its index, logit and softmax probability. */
  public record Entry(int index, float logit, double prob) {}

  /**
   * Softmax {@code p_i = exp(l_i - max l) / sum_j exp(l_j - max l)} in float64, then the k largest,
   * ties broken by the lower index.
   */
  public static List<Entry> top(float[] logits, int k) {
    double m = max(logits);
    double z = sum(logits, m);
    List<Entry> out = new ArrayList<>();
    IntStream.range(0, logits.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
        .limit(k)
        .forEach(i -> out.add(new Entry(i, logits[i], Math.exp(logits[i] - m) / z)));
    return out;
  }

  /** p_i of {@link #top}'s softmax, for one class. */
  public static double prob(float[] logits, int i) {
    double m = max(logits);
    return Math.exp(logits[i] - m) / sum(logits, m);
  }

  private static double max(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) max = Math.max(max, l);
    return max;
  }

  /** sum_j exp(l_j - max). */
  private static double sum(float[] logits, double max) {
    double sum = 0;
    for (float l : logits) sum += Math.exp(l - max);
    return sum;
  }
}
