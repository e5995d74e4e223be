package org.conceptprune.eval.fid;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;

/**
 * The Gaussian fitted to a feature set, in float64 as pytorch-fid computes it:
 * {@code mu = np.mean(act, axis=0)}, {@code sigma = np.cov(act, rowvar=False)} (divisor n - 1).
 *
 * @param n rows the statistics come from
 * @param mu [D]
 * @param sigma [D, D], symmetric
 * @param factor [D, n] = Xc^T / sqrt(n - 1) with factor factor^T = sigma, kept when n <= D (then sigma is
 *     singular and this thin factor makes the Fréchet distance cheap), else null
 */
public record GaussianStats(int n, double[] mu, DMatrixRMaj sigma, DMatrixRMaj factor) {

  /** @param rows [n, d] row-major features (float32 widened to float64 before any sum) */
  public static GaussianStats of(float[] rows, int n, int d) {
    if (n < 2) throw new IllegalArgumentException("a covariance needs at least 2 rows, got " + n);
    if ((long) n * d != rows.length) throw new IllegalArgumentException(rows.length + " values are not " + n + " x " + d);
    double[] mu = mean(rows, n, d);
    DMatrixRMaj centred = new DMatrixRMaj(n, d); // [n, d]: x - mu
    double[] c = centred.data;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) c[i * d + j] = rows[i * d + j] - mu[j];
    }
    DMatrixRMaj sigma = new DMatrixRMaj(d, d);
    CommonOps_MT_DDRM.multTransA(1.0 / (n - 1), centred, centred, sigma); // Xc^T Xc / (n - 1)
    symmetrize(sigma);
    DMatrixRMaj factor = null;
    if (n <= d) {
      factor = CommonOps_DDRM.transpose(centred, null);
      CommonOps_DDRM.scale(1 / Math.sqrt(n - 1), factor);
    }
    return new GaussianStats(n, mu, sigma, factor);
  }

  /** mu_j = (1/n) sum_i x_ij, accumulated in float64. */
  static double[] mean(float[] rows, int n, int d) {
    double[] mu = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) mu[j] += rows[i * d + j];
    }
    for (int j = 0; j < d; j++) mu[j] /= n;
    return mu;
  }

  /** Copies the upper triangle onto the lower one (the product's rounding can differ by an ulp). */
  static void symmetrize(DMatrixRMaj m) {
    int d = m.numRows;
    for (int i = 0; i < d; i++) {
      for (int j = i + 1; j < d; j++) m.unsafe_set(j, i, m.unsafe_get(i, j));
    }
  }
}
