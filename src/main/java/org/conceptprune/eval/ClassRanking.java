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
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) max = Math.max(max, l);
    double sum = 0;
    for (float l : logits) sum += Math.exp(l - max);
    final double m = max;
    final double z = sum;
    List<Entry> out = new ArrayList<>();
    IntStream.range(0, logits.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
        .limit(k)
        .forEach(i -> out.add(new Entry(i, logits[i], Math.exp(logits[i] - m) / z)));
    return out;
  }
}
