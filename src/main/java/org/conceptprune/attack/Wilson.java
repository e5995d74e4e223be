package org.conceptprune.attack;

/**
 * The Wilson score interval of a binomial proportion (95%: z = 1.959964), used for attack success
 * rates: unlike the normal approximation or a bootstrap it stays informative at 0 or N successes
 * out of a handful of prompts.
 *
 * <pre>
 *   p = s / n
 *   centre = (p + z^2 / 2n) / (1 + z^2 / n)
 *   half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)
 * </pre>
 */
public final class Wilson {
  public static final double Z95 = 1.959963984540054;

  private Wilson() {}

  /** {lo, hi} for s successes in n trials; {NaN, NaN} when n = 0. */
  public static double[] interval(int s, int n) {
    if (n == 0) return new double[] {Double.NaN, Double.NaN};
    if (s < 0 || s > n) throw new IllegalArgumentException(s + " successes of " + n);
    double z = Z95;
    double p = (double) s / n;
    double z2 = z * z;
    double denom = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denom;
    double half = z / denom * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }
}
