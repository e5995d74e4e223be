package org.conceptprune.revival;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.pipeline.TorchRandom;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;

/** units.safetensors: ties at the threshold, the k quirk, torch's randn stream; and the rejected inputs. */
class RevivalUnitsTest {
  @Test
  void tiesAtTheThresholdAreDropped() {
    try (SafetensorsFile f = SafetensorsFile.open(Fixtures.path(RevivalFixture.DIR + "units.safetensors"))) {
      int[] s = f.info("ties.pruned").intShape();
      LayerMask zeros = Revival.zeros(new LayerWeight(f.floats("ties.pruned"), s[0], s[1]));
      float[] completed = f.floats("ties.completed");
      // ratio, k, dropped (units in report.json)
      for (String[] c : new String[][] {{"0.6", "10", "13"}, {"0.8", "5", "13"}, {"0.45", "14", "15"}}) {
        var r = SignRetention.retain(completed, zeros, Double.parseDouble(c[0]));
        assertEquals(Integer.parseInt(c[1]), r.k(), "k at " + c[0]);
        assertEquals(Long.parseLong(c[2]), r.dropped(), "dropped at " + c[0]);
        float[] golden = f.floats("ties.retained.top" + c[0]);
        for (int p = 0; p < golden.length; p++) assertEquals(golden[p], r.s()[p], 0f, "top" + c[0] + " at " + p);
      }
    }
  }

  @Test
  void kQuirk() {
    assertEquals(9, SignRetention.kCount(0.8, 50));
    assertEquals(20, SignRetention.kCount(0.6, 50));
    assertEquals(0, SignRetention.kCount(0.8, 5));
    assertEquals(0, SignRetention.kCount(1.0, 100));
  }

  @Test
  void randnMatchesTorchOnBothPaths() {
    try (SafetensorsFile f = SafetensorsFile.open(Fixtures.path(RevivalFixture.DIR + "units.safetensors"))) {
      long[] sizes = f.longs("randn.sizes");
      float[] want = f.floats("randn.values");
      TorchRandom g = new TorchRandom(2021);
      int off = 0;
      int scalarExact = 0;
      double worstVector = 0;
      for (long n : sizes) {
        float[] got = g.normal((int) n);
        for (int i = 0; i < n; i++, off++) {
          if (n < 16) {
            assertEquals(Float.floatToRawIntBits(want[off]), Float.floatToRawIntBits(got[i]), "scalar path, n = " + n + ", value " + i);
            scalarExact++;
          } else {
            worstVector = Math.max(worstVector, Math.abs(got[i] - want[off]) / Math.max(Math.abs(want[off]), 1e-6));
          }
        }
      }
      assertEquals(want.length, off);
      System.out.printf("randn: %d scalar-path values bit-exact, vector path max rel %.3g%n", scalarExact, worstVector);
      assertTrue(worstVector <= 2e-7, "vector path max rel " + worstVector);
    }
  }

  @Test
  void aWholeZeroRowIsRefusedNamingLayerAndRow() {
    float[] w = {1, 2, 0, 0, 0, 0};
    var weights = java.util.Map.of("blk.ff.net.2", new LayerWeight(w, 3, 2));
    UserError e = assertThrows(UserError.class, () -> Revival.revive(weights, Revival.zeros(weights), null,
        RevivalSettings.PAPER, null, RevivalListener.NONE));
    assertTrue(e.getMessage().contains("blk.ff.net.2: row 1"), e.getMessage());
  }

  @Test
  void anEmptyColumnIsLeftOutAndStaysZero() {
    // [4, 3]: column 1 is zero in every row (an FIA-style cut), plus one ordinary zero.
    float[] w = {0.5f, 0, -0.3f, 0.2f, 0, 0.1f, -0.4f, 0, 0.6f, 0, 0, 0.25f};
    var weights = java.util.Map.of("blk.ff.net.2", new LayerWeight(w, 4, 3));
    var r = Revival.revive(weights, Revival.zeros(weights), null, new RevivalSettings(1.0, Magnitude.MAX, 2021, 50, 1e-5), null,
        RevivalListener.NONE);
    float[] v = r.weights().get("blk.ff.net.2");
    for (int i = 0; i < 4; i++) assertEquals(0f, v[i * 3 + 1], 0f, "empty column, row " + i);
    assertTrue(v[9] != 0f, "the ordinary zero is revived");
    assertEquals(1, r.layers().get(0).emptyColumns());
  }

  @Test
  void theCacheGivesBackACompletionOnlyForTheSameInputs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    float[] w = {0.5f, 0, -0.3f, 0.2f, 0.7f, 0.1f, -0.4f, 0, 0.6f, 0.3f, -0.2f, 0.25f};
    LayerWeight weight = new LayerWeight(w, 4, 3);
    LayerMask zeros = Revival.zeros(weight);
    CompletionCache cache = new CompletionCache(dir);
    var done = MatrixCompletion.complete(Revival.widen(w), 4, 3, zeros, 500, 1e-5, null);
    cache.store("blk.ff.net.2", weight, zeros, RevivalSettings.PAPER, new CompletionCache.Entry(done, 1.5));
    var found = cache.find("blk.ff.net.2", weight, zeros, RevivalSettings.PAPER);
    assertEquals(done.iterations(), found.completion().iterations());
    assertEquals(1.5, found.seconds());
    for (int p = 0; p < w.length; p++) assertEquals(done.c64()[p], found.completion().c64()[p], 0.0);
    // Another tolerance, another weight: not the same completion.
    assertEquals(null, cache.find("blk.ff.net.2", weight, zeros, new RevivalSettings(0.6, Magnitude.MAX, 2021, 500, 1e-6)));
    float[] other = w.clone();
    other[0] = 0.51f;
    assertEquals(null, cache.find("blk.ff.net.2", new LayerWeight(other, 4, 3), zeros, RevivalSettings.PAPER));
    // Another seed, ratio or magnitude does not change the completion: found.
    assertTrue(cache.find("blk.ff.net.2", weight, zeros, new RevivalSettings(0.8, Magnitude.AVE, 1, 500, 1e-5)) != null);
  }

  @Test
  void badSettingsAreUserErrors() {
    assertThrows(UserError.class, () -> new RevivalSettings(0, Magnitude.MAX, 1, 1, 1e-5));
    assertThrows(UserError.class, () -> new RevivalSettings(1.5, Magnitude.MAX, 1, 1, 1e-5));
    assertThrows(UserError.class, () -> Magnitude.parse("align"));
  }
}
