package org.conceptprune.revival;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import org.conceptprune.Fixtures;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Step 1 against completed_f64 (main and dense cases): values within 1e-10, iteration counts equal to report.json. */
class MatrixCompletionTest {
  @ParameterizedTest
  @EnumSource(MatrixCompletion.Method.class)
  void mainCase(MatrixCompletion.Method method) throws IOException {
    check("", "main", method);
  }

  @ParameterizedTest
  @EnumSource(MatrixCompletion.Method.class)
  void denseCase(MatrixCompletion.Method method) throws IOException {
    check("dense/", "dense", method);
  }

  /** The Gram-matrix step against the SVD step on a wider matrix of SD-like scale (0.02) with 5% missing. */
  @Test
  void gramAgreesWithTheSvd() {
    int m = 96;
    int n = 384;
    LayerMask missing = new LayerMask(m, n);
    double[] a = RevivalBench.randomWeights(m, n, 0.05, 7, missing);
    var svd = MatrixCompletion.complete(a, m, n, missing, 500, 1e-5, MatrixCompletion.Method.SVD, null);
    var gram = MatrixCompletion.complete(a, m, n, missing, 500, 1e-5, MatrixCompletion.Method.GRAM, null);
    double worst = 0;
    for (int p = 0; p < a.length; p++) worst = Math.max(worst, Math.abs(svd.c64()[p] - gram.c64()[p]));
    System.out.printf("gram vs svd, [%d, %d], %d iterations: max |diff| = %.3g%n", m, n, svd.iterations(), worst);
    assertEquals(svd.iterations(), gram.iterations());
    assertTrue(worst <= 1e-12, "max diff " + worst);
  }

  /** Two equal, fully observed rows keep every iterate singular: the Gram step must fall back to the SVD. */
  @Test
  void aSingularIterateFallsBackToTheSvd() {
    int m = 6;
    int n = 16;
    LayerMask missing = new LayerMask(m, n);
    double[] a = RevivalBench.randomWeights(m, n, 0.0, 3, missing);
    System.arraycopy(a, 0, a, n, n); // row 1 = row 0
    for (int p = 2 * n; p < a.length; p += 5) {
      missing.set(p);
      a[p] = 0;
    }
    var svd = MatrixCompletion.complete(a, m, n, missing, 30, 0, MatrixCompletion.Method.SVD, null);
    var gram = MatrixCompletion.complete(a, m, n, missing, 30, 0, MatrixCompletion.Method.GRAM, null);
    double worst = 0;
    for (int p = 0; p < a.length; p++) worst = Math.max(worst, Math.abs(svd.c64()[p] - gram.c64()[p]));
    assertTrue(worst <= 1e-15, "max diff " + worst);
  }

  private static void check(String dir, String reportCase, MatrixCompletion.Method method) throws IOException {
    JsonNode report = new ObjectMapper().readTree(Fixtures.path(RevivalFixture.DIR + "report.json").toFile())
        .path("cases").path(reportCase).path("layers");
    Map<String, LayerWeight> pruned = RevivalFixture.weights(dir + "pruned_ffn2.safetensors");
    Map<String, double[]> golden = RevivalFixture.doubles(dir + "completed_f64.safetensors");
    double worst = 0;
    for (var e : pruned.entrySet()) {
      LayerWeight w = e.getValue();
      LayerMask zeros = Revival.zeros(w);
      var c = MatrixCompletion.complete(RevivalFixture.widen(w.w()), w.out(), w.in(), zeros, 500, 1e-5, method, null);
      JsonNode r = report.path(e.getKey() + ".weight");
      assertEquals(r.path("iterations").asInt(), c.iterations(), e.getKey() + " iterations");
      assertEquals(r.path("final_rel_change").asDouble(), c.delta(), 1e-9, e.getKey() + " final δ");
      assertEquals(0, c.emptyColumns());
      double[] g = golden.get(e.getKey());
      for (int p = 0; p < g.length; p++) worst = Math.max(worst, Math.abs(g[p] - c.c64()[p]));
    }
    System.out.printf("completion %s (%s): max |C64 - golden| = %.3g%n", reportCase, method, worst);
    assertTrue(worst <= 1e-10, "max abs error " + worst);
  }
}
