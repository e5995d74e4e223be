package org.conceptprune.eval.fid;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * pytorch-fid's {@code calculate_frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6)}, float64:
 * <pre>
 *   d^2 = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr sqrt(S1 S2)
 * </pre>
 * pytorch-fid takes {@code scipy.linalg.sqrtm(S1 S2)} (a Schur method on a non-symmetric product) and
 * keeps its trace. Only the trace is needed, and it is a function of eigenvalues: for any factor
 * S1 = F F^T, S1 S2 has the eigenvalues of the symmetric PSD matrix M = F^T S2 F (with F = S1^1/2 this
 * is Dougal Sutherland's stable form), so
 * <pre>
 *   tr sqrt(S1 S2) = sum_i sqrt(lambda_i(M))
 * </pre>
 * which one symmetric eigenvalue solve (EJML) gives stably. F is the thin data factor [D, N] when
 * N <= D (both covariances singular; M is then only N x N), else S1's Cholesky factor, else (S1 not
 * positive definite) V diag(sqrt w) from S1's symmetric eigendecomposition.
 * pytorch-fid's two safety steps map onto it:
 * <ul>
 *   <li>a non-finite result is retried with eps I added to both covariances (its "singular product"
 *       retry; only the square-root term uses the offset, as there);
 *   <li>sqrtm's imaginary part (an error above 1e-3 on the diagonal) corresponds to negative
 *       eigenvalues of M: sqrt(lambda) with lambda < 0 is imaginary, so an eigenvalue below -(1e-3)^2 is
 *       the same error; smaller negative ones are rounding and count as 0 (taking the real part).
 * </ul>
 */
public final class FrechetDistance {
  public static final double EPS = 1e-6;
  /** pytorch-fid's tolerance on sqrtm's imaginary diagonal (np.allclose(..., 0, atol=1e-3)). */
  public static final double IMAGINARY_ATOL = 1e-3;

  private FrechetDistance() {}

  /** d^2 between the two fitted Gaussians (using their thin factors when N <= D). */
  public static double of(GaussianStats a, GaussianStats b) {
    return distance(a.mu(), a.sigma(), a.factor(), b.mu(), b.sigma(), b.factor(), EPS);
  }

  /** d^2 between N(mu1, sigma1) and N(mu2, sigma2), pytorch-fid's signature; the inputs are not modified. */
  static double frechetDistance(double[] mu1, DMatrixRMaj sigma1, double[] mu2, DMatrixRMaj sigma2, double eps) {
    return distance(mu1, sigma1, null, mu2, sigma2, null, eps);
  }

  private static double distance(double[] mu1, DMatrixRMaj sigma1, DMatrixRMaj f1, double[] mu2, DMatrixRMaj sigma2,
      DMatrixRMaj f2, double eps) {
    int d = mu1.length;
    if (mu2.length != d) throw new IllegalArgumentException("mean vectors have different lengths: " + d + " and " + mu2.length);
    if (sigma1.numRows != d || sigma1.numCols != d || sigma2.numRows != d || sigma2.numCols != d) {
      throw new IllegalArgumentException("covariances must both be " + d + " x " + d);
    }
    double diff2 = 0;
    for (int i = 0; i < d; i++) diff2 += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]);
    double trCovmean = traceSqrtProduct(sigma1, f1, sigma2, f2);
    if (!Double.isFinite(trCovmean)) {
      System.err.printf("fid calculation produces singular product; adding %s to diagonal of cov estimates%n", eps);
      trCovmean = traceSqrtProduct(plusDiagonal(sigma1, eps), null, plusDiagonal(sigma2, eps), null);
      if (!Double.isFinite(trCovmean)) throw new ArithmeticException("tr sqrt(sigma1 sigma2) is not finite even with eps " + eps);
    }
    return diff2 + CommonOps_DDRM.trace(sigma1) + CommonOps_DDRM.trace(sigma2) - 2 * trCovmean;
  }

  /**
   * tr sqrt(S1 S2) = sum sqrt(eig(F^T S2 F)) for symmetric PSD S1 = F F^T and S2; NaN if not finite.
   * F^T S2 F has the nonzero eigenvalues of S1 S2 (F^T (S2 F) and (S2 F) F^T = S2 S1 share them),
   * whichever factor F is used: a given thin factor [D, n] (the centred data when n <= D: M is only
   * n x n), the Cholesky factor when S1 is positive definite, else V diag(sqrt w) from S1's
   * eigendecomposition. tr sqrt(S1 S2) = tr sqrt(S2 S1), so either side may give the factor.
   *
   * @param f1 a factor of s1 or null @param f2 a factor of s2 or null
   * @throws ArithmeticException when the square root would have an imaginary part above 1e-3
   */
  static double traceSqrtProduct(DMatrixRMaj s1, DMatrixRMaj f1, DMatrixRMaj s2, DMatrixRMaj f2) {
    if (!finite(s1) || !finite(s2)) return Double.NaN;
    DMatrixRMaj f; // [D, r], F F^T = one covariance
    DMatrixRMaj other; // [D, D], the other one
    if (f1 != null && (f2 == null || f1.numCols <= f2.numCols)) {
      f = f1;
      other = s2;
    } else if (f2 != null) {
      f = f2;
      other = s1;
    } else {
      f = factor(s1);
      other = s2;
    }
    int d = s1.numRows;
    int r = f.numCols;
    DMatrixRMaj t = new DMatrixRMaj(d, r);
    DMatrixRMaj m = new DMatrixRMaj(r, r);
    CommonOps_MT_DDRM.mult(other, f, t); // [D, r]
    CommonOps_MT_DDRM.multTransA(f, t, m); // M = F^T S F [r, r]
    symmetrizeMean(m);
    double[] lambda = symmetricEigen(m, false).values;
    double sum = 0;
    double mostNegative = 0;
    for (double l : lambda) {
      if (l >= 0) sum += Math.sqrt(l);
      else mostNegative = Math.min(mostNegative, l);
    }
    if (Math.sqrt(-mostNegative) > IMAGINARY_ATOL) {
      throw new ArithmeticException("Imaginary component " + Math.sqrt(-mostNegative)
          + " (S1 S2 has eigenvalue " + mostNegative + ")");
    }
    return sum;
  }

  /** F with F F^T = S: the lower Cholesky factor, or V diag(sqrt(max(w, 0))) when S is not positive definite. */
  static DMatrixRMaj factor(DMatrixRMaj s) {
    int d = s.numRows;
    CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(d, true);
    if (chol.decompose(s.copy())) return chol.getT(null);
    Eigen e = symmetricEigen(s, true);
    DMatrixRMaj f = new DMatrixRMaj(d, d); // column k = v_k sqrt(w_k)
    for (int k = 0; k < d; k++) {
      double root = Math.sqrt(Math.max(e.values[k], 0));
      DMatrixRMaj v = e.vectors[k];
      for (int i = 0; i < d; i++) f.unsafe_set(i, k, v.data[i] * root);
    }
    return f;
  }

  private record Eigen(double[] values, DMatrixRMaj[] vectors) {}

  private static Eigen symmetricEigen(DMatrixRMaj s, boolean vectors) {
    int d = s.numRows;
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, vectors, true);
    if (!eig.decompose(s.copy())) throw new ArithmeticException("symmetric eigendecomposition did not converge (" + d + " x " + d + ")");
    double[] w = new double[d];
    DMatrixRMaj[] v = vectors ? new DMatrixRMaj[d] : null;
    for (int k = 0; k < d; k++) {
      w[k] = eig.getEigenvalue(k).getReal();
      if (vectors) v[k] = eig.getEigenVector(k);
    }
    return new Eigen(w, v);
  }

  private static DMatrixRMaj plusDiagonal(DMatrixRMaj s, double eps) {
    DMatrixRMaj o = s.copy();
    for (int i = 0; i < o.numRows; i++) o.unsafe_set(i, i, o.unsafe_get(i, i) + eps);
    return o;
  }

  private static void symmetrizeMean(DMatrixRMaj m) {
    int d = m.numRows;
    for (int i = 0; i < d; i++) {
      for (int j = i + 1; j < d; j++) {
        double a = 0.5 * (m.unsafe_get(i, j) + m.unsafe_get(j, i));
        m.unsafe_set(i, j, a);
        m.unsafe_set(j, i, a);
      }
    }
  }

  private static boolean finite(DMatrixRMaj m) {
    for (double v : m.data) if (!Double.isFinite(v)) return false;
    return true;
  }
}
