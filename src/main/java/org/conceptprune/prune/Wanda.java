package org.conceptprune.prune;

/**
 * The Wanda score (Sun et al. 2023), as ConceptPrune uses it (ALGORITHM.md §4).
 *
 * <p>Notation: W is a Linear weight [out, in] (rows = outputs), row-major; sumsq[j] is the sum of
 * squares of input column j over all calibration tokens (§3). Scores are computed in float64 from
 * the F32 weight and the F32 sumsq, so they are exact products of the stored values.
 */
public final class Wanda {
  private Wanda() {}

  /** norm[j] = sqrt(sumsq[j]). */
  public static double[] columnNorm(float[] sumsq) {
    return columnNorm(sumsq, 0, sumsq.length);
  }

  /** norm[j] = sqrt(sumsq[off + j]) for j in [0, in): one row of a [calls, in] statistics block. */
  public static double[] columnNorm(float[] sumsq, int off, int in) {
    double[] norm = new double[in];
    for (int j = 0; j < in; j++) norm[j] = Math.sqrt(sumsq[off + j]);
    return norm;
  }

  /** S[i,j] = |W[i,j]| * norm[j] for one weight. */
  public static double score(float w, double norm) {
    return Math.abs((double) w) * norm;
  }

  /** S[i,:] = |W[i,:]| * norm, for row i of w [out, in]. */
  public static double[] scoreRow(float[] w, int row, double[] colNorm) {
    int in = colNorm.length;
    double[] s = new double[in];
    for (int j = 0, off = row * in; j < in; j++) s[j] = score(w[off + j], colNorm[j]);
    return s;
  }
}
