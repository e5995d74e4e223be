package org.conceptprune.eval.clip;

/**
 * torchmetrics' {@code CLIPScore} state: the sum of 100 cos(image, text) over the pairs seen and their
 * count. Shards merge by adding; {@link #compute()} is max(sum / n, 0), torchmetrics' value for the whole
 * set (the mean is taken before the clamp at 0, so it is not the mean of the per-pair scores when some
 * pairs have a negative cosine).
 */
public record ClipScoreState(double sum, long n) {
  public static final ClipScoreState EMPTY = new ClipScoreState(0, 0);

  /** Adds pairs with these cosines. */
  public ClipScoreState update(double... cosines) {
    double s = sum;
    for (double c : cosines) s += 100 * c;
    return new ClipScoreState(s, n + cosines.length);
  }

  public ClipScoreState merge(ClipScoreState o) {
    return new ClipScoreState(sum + o.sum, n + o.n);
  }

  /** max(mean(100 cos), 0); NaN with no pairs. */
  public double compute() {
    return n == 0 ? Double.NaN : Math.max(sum / n, 0);
  }
}
