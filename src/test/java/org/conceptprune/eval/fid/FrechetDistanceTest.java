package org.conceptprune.eval.fid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Locale;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** The Fréchet distance against pytorch-fid's number, and on Gaussians where it is known in closed form. */
class FrechetDistanceTest {
  @Test
  void matchesPytorchFidOnSingularCovariances() throws Exception {
    double expected = new ObjectMapper().readTree(Fixtures.path("fixtures/eval/fid-golden.json").toFile()).get("fid").asDouble();
    try (SafetensorsFile g = SafetensorsFile.open(Fixtures.path("fixtures/eval/fid-golden.safetensors"))) {
      // 50 and 60 rows of 64 dims: both covariances are singular (rank <= n - 1 < 64)
      GaussianStats a = GaussianStats.of(g.floats("features_a"), 50, 64);
      GaussianStats b = GaussianStats.of(g.floats("features_b"), 60, 64);
      double fid = FrechetDistance.of(a, b);
      double rel = Math.abs(fid - expected) / Math.abs(expected);
      System.out.printf(Locale.ROOT, "[golden] fid %.14f vs pytorch-fid %.14f: rel err %.3e%n", fid, expected, rel);
      assertTrue(rel <= 1e-6, "relative error " + rel);
      // pytorch-fid's signature (no thin factors): S1 is factored by its own decomposition
      double viaSigmas = FrechetDistance.frechetDistance(a.mu(), a.sigma(), b.mu(), b.sigma(), FrechetDistance.EPS);
      double rel2 = Math.abs(viaSigmas - expected) / Math.abs(expected);
      System.out.printf(Locale.ROOT, "[golden] fid from sigmas only %.14f: rel err %.3e%n", viaSigmas, rel2);
      assertTrue(rel2 <= 1e-6, "relative error " + rel2);
      // against itself: 0 up to the square roots of the ~1e-16 eigenvalues of the singular S^2
      assertEquals(0, FrechetDistance.of(a, a), 1e-7 * expected, "a set against itself");
      assertEquals(fid, FrechetDistance.of(b, a), 1e-9 * expected, "symmetric");
    }
  }

  @Test
  void matchesScipyOnFullRankCovariances() throws Exception {
    // first 16 columns: 50 and 60 rows > 16 dims, positive definite covariances (the Cholesky path)
    double expected = new ObjectMapper().readTree(Fixtures.path("fixtures/eval/fid-kid-golden.json").toFile())
        .get("fid_first16").asDouble();
    try (SafetensorsFile g = SafetensorsFile.open(Fixtures.path("fixtures/eval/fid-golden.safetensors"))) {
      GaussianStats a = GaussianStats.of(columns(g.floats("features_a"), 50, 64, 16), 50, 16);
      GaussianStats b = GaussianStats.of(columns(g.floats("features_b"), 60, 64, 16), 60, 16);
      assertTrue(a.factor() == null && b.factor() == null, "n > D keeps no thin factor");
      double fid = FrechetDistance.of(a, b);
      double rel = Math.abs(fid - expected) / Math.abs(expected);
      System.out.printf(Locale.ROOT, "[golden] fid (16-d, full rank) %.14f vs scipy %.14f: rel err %.3e%n", fid, expected, rel);
      assertTrue(rel <= 1e-9, "relative error " + rel);
    }
  }

  private static float[] columns(float[] rows, int n, int d, int keep) {
    float[] out = new float[n * keep];
    for (int i = 0; i < n; i++) System.arraycopy(rows, i * d, out, i * keep, keep);
    return out;
  }

  @Test
  void diagonalGaussiansHaveTheClosedForm() {
    // diagonal covariances commute: d^2 = |mu1 - mu2|^2 + sum_i (sqrt(s1_i) - sqrt(s2_i))^2
    double[] s1 = {4, 1, 0.25, 9};
    double[] s2 = {1, 1, 1, 0};
    double[] mu1 = {0, 1, 2, 3};
    double[] mu2 = {1, 1, 0, 3};
    double expected = 1 + 4 + (1 + 0 + 0.25 + 9);
    double fid = FrechetDistance.frechetDistance(mu1, diag(s1), mu2, diag(s2), FrechetDistance.EPS);
    assertEquals(expected, fid, 1e-12);
  }

  @Test
  void rotatedCovariancesKeepTheTraceOfTheRoot() {
    // S2 = R S1 R^T with a rotation: sqrt(S1 S2) is not symmetric, yet tr sqrt is sum sqrt(eig(S1 S2)).
    // S1 = diag(4, 1), R = 90 degrees -> S2 = diag(1, 4): S1 S2 = diag(4, 4), tr sqrt = 4.
    double fid = FrechetDistance.frechetDistance(new double[2], diag(new double[] {4, 1}), new double[2],
        diag(new double[] {1, 4}), FrechetDistance.EPS);
    assertEquals(5 + 5 - 2 * 4, fid, 1e-12);
    // a full-matrix case: S1 = [[2, 1], [1, 2]], S2 = I -> tr sqrt(S1) = sqrt(3) + sqrt(1)
    DMatrixRMaj full = new DMatrixRMaj(new double[][] {{2, 1}, {1, 2}});
    double f2 = FrechetDistance.frechetDistance(new double[2], full, new double[2], diag(new double[] {1, 1}), FrechetDistance.EPS);
    assertEquals(4 + 2 - 2 * (Math.sqrt(3) + 1), f2, 1e-12);
  }

  @Test
  void anImaginaryRootIsAnError() {
    // a "covariance" with a negative eigenvalue: sqrt(S1 S2) = sqrt(-1) = i, pytorch-fid raises ValueError
    ArithmeticException e = assertThrows(ArithmeticException.class, () -> FrechetDistance.frechetDistance(
        new double[1], diag(new double[] {1}), new double[1], diag(new double[] {-1}), FrechetDistance.EPS));
    assertTrue(e.getMessage().startsWith("Imaginary component 1.0"), e.getMessage());
    // a NaN survives the eps retry and is reported, not returned
    assertThrows(ArithmeticException.class, () -> FrechetDistance.frechetDistance(
        new double[1], diag(new double[] {Double.NaN}), new double[1], diag(new double[] {1}), FrechetDistance.EPS));
  }

  @Test
  void covarianceIsNumpysWithRowvarFalse() {
    // np.cov([[1, 2], [3, 6], [5, 7]], rowvar=False) = [[4, 5], [5, 7]]; means (3, 5)
    GaussianStats s = GaussianStats.of(new float[] {1, 2, 3, 6, 5, 7}, 3, 2);
    assertEquals(3, s.mu()[0], 1e-15);
    assertEquals(5, s.mu()[1], 1e-15);
    assertEquals(4, s.sigma().get(0, 0), 1e-14);
    assertEquals(5, s.sigma().get(0, 1), 1e-14);
    assertEquals(5, s.sigma().get(1, 0), 1e-14);
    assertEquals(7, s.sigma().get(1, 1), 1e-14);
  }

  private static DMatrixRMaj diag(double[] v) {
    DMatrixRMaj m = new DMatrixRMaj(v.length, v.length);
    for (int i = 0; i < v.length; i++) m.set(i, i, v[i]);
    return m;
  }
}
