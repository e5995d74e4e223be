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

/** Step 1 against completed_f64 (main and dense cases): values within 1e-10, iteration counts equal to report.json. */
class MatrixCompletionTest {
  @Test
  void mainCase() throws IOException {
    check("", "main");
  }

  @Test
  void denseCase() throws IOException {
    check("dense/", "dense");
  }

  private static void check(String dir, String reportCase) throws IOException {
    JsonNode report = new ObjectMapper().readTree(Fixtures.path(RevivalFixture.DIR + "report.json").toFile())
        .path("cases").path(reportCase).path("layers");
    Map<String, LayerWeight> pruned = RevivalFixture.weights(dir + "pruned_ffn2.safetensors");
    Map<String, double[]> golden = RevivalFixture.doubles(dir + "completed_f64.safetensors");
    double worst = 0;
    for (var e : pruned.entrySet()) {
      LayerWeight w = e.getValue();
      LayerMask zeros = Revival.zeros(w);
      var c = MatrixCompletion.complete(RevivalFixture.widen(w.w()), w.out(), w.in(), zeros, 500, 1e-5, null);
      JsonNode r = report.path(e.getKey() + ".weight");
      assertEquals(r.path("iterations").asInt(), c.iterations(), e.getKey() + " iterations");
      assertEquals(r.path("final_rel_change").asDouble(), c.delta(), 1e-9, e.getKey() + " final δ");
      assertEquals(0, c.emptyColumns());
      double[] g = golden.get(e.getKey());
      for (int p = 0; p < g.length; p++) worst = Math.max(worst, Math.abs(g[p] - c.c64()[p]));
    }
    System.out.printf("completion %s: max |C64 - golden| = %.3g%n", reportCase, worst);
    assertTrue(worst <= 1e-10, "max abs error " + worst);
  }
}
