package org.conceptprune.attack;

import java.util.Arrays;

/**
 * Euclidean projection onto the probability simplex {p : p_i >= 0, sum_i p_i = 1}, the constraint set
 * of UnlearnDiffAtk's token distributions.
 *
 * <p>The reference ({@code TextGrad.bisection}) bisects for mu in {@code sum clip(a - mu, 0, 1) = 1} to
 * a tolerance of 1e-5; here mu (theta below) is found exactly by sorting (Duchi, Shalev-Shwartz,
 * Singer and Chandra, ICML 2008, Fig. 1):
 *
 * <pre>
 *   u = sort(a) descending
 *   rho = max { j : u_j - (sum_{i<=j} u_i - 1) / j > 0 }
 *   theta = (sum_{i<=rho} u_i - 1) / rho
 *   p_i = max(a_i - theta, 0)
 * </pre>
 *
 * The upper bound 1 of the reference's clip is never active on the simplex, so both give the same point.
 */
public final class SimplexProjection {
  private SimplexProjection() {}

  /** Projects {@code a[off .. off+len)} in place. */
  public static void project(float[] a, int off, int len) {
    double theta = theta(a, off, len);
    for (int i = off; i < off + len; i++) a[i] = (float) Math.max(a[i] - theta, 0.0);
  }

  /** Projects every row of a [rows, len] matrix in place. */
  public static void projectRows(float[] a, int rows, int len) {
    for (int r = 0; r < rows; r++) project(a, r * len, len);
  }

  /** theta of the projection of {@code a[off .. off+len)}. */
  static double theta(float[] a, int off, int len) {
    if (len < 1) throw new IllegalArgumentException("empty vector");
    double[] u = new double[len];
    for (int i = 0; i < len; i++) u[i] = a[off + i];
    Arrays.sort(u); // ascending: walk it from the top
    double cum = 0;
    double theta = 0;
    for (int j = 1; j <= len; j++) {
      double uj = u[len - j];
      cum += uj;
      double t = (cum - 1) / j;
      if (uj - t > 0) theta = t;
      else break; // the condition holds for a prefix of j only
    }
    return theta;
  }
}
