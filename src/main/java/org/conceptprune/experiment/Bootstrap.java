package org.conceptprune.experiment;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap of a mean: B resamples of the n values with replacement (seeded, so the same
 * values give the same interval), the 2.5th and 97.5th percentiles of the resampled means.
 */
public final class Bootstrap {
  public static final int RESAMPLES = 1000;
  private static final long SEED = 20250101L;

  private Bootstrap() {}

  public static double mean(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return v.length == 0 ? Double.NaN : s / v.length;
  }

  /** {mean, lo, hi}. */
  public static double[] meanInterval(double[] v) {
    if (v.length == 0) return new double[] {Double.NaN, Double.NaN, Double.NaN};
    SplittableRandom r = new SplittableRandom(SEED);
    double[] means = new double[RESAMPLES];
    for (int b = 0; b < RESAMPLES; b++) {
      double s = 0;
      for (int i = 0; i < v.length; i++) s += v[r.nextInt(v.length)];
      means[b] = s / v.length;
    }
    Arrays.sort(means);
    return new double[] {mean(v), means[(int) Math.floor(0.025 * (RESAMPLES - 1))], means[(int) Math.ceil(0.975 * (RESAMPLES - 1))]};
  }

  public static ResultRow row(String model, String experiment, String subject, String metric, double[] values) {
    double[] m = meanInterval(values);
    return new ResultRow(model, experiment, subject, metric, m[0], m[1], m[2], values.length);
  }
}
