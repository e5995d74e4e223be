package org.conceptprune.revival;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.prune.WeightSource;
import org.junit.jupiter.api.Test;

/**
 * The whole attack on the revival-sd1 fixture (REVIVAL.md "What to compare"): sign_retained's zero
 * pattern identical, revived within 1e-6 relative at every position, every other weight bit-identical.
 */
class RevivalGoldenTest {
  private static final double REL = 1e-6;

  @Test
  void signRetentionKeepsTheGoldenZeroPattern() {
    for (String[] c : new String[][] {{"", "sign_retained", "0.6"}, {"", "sign_retained_top0.8", "0.8"}, {"dense/", "sign_retained", "0.6"}}) {
      Map<String, LayerWeight> pruned = RevivalFixture.weights(c[0] + "pruned_ffn2.safetensors");
      Map<String, double[]> completed = RevivalFixture.doubles(c[0] + "completed_f64.safetensors");
      Map<String, LayerWeight> golden = RevivalFixture.weights(c[0] + c[1] + ".safetensors");
      long positions = 0;
      long same = 0;
      for (String layer : pruned.keySet()) {
        LayerMask zeros = Revival.zeros(pruned.get(layer));
        float[] s = SignRetention.retain(SignRetention.toFloat32(completed.get(layer)), zeros, Double.parseDouble(c[2])).s();
        float[] g = golden.get(layer).w();
        for (int p = 0; p < g.length; p++) {
          positions++;
          if ((s[p] == 0f) == (g[p] == 0f) && Float.compare(s[p], g[p]) == 0) same++;
        }
      }
      System.out.printf("%s%s: %d of %d entries equal (zero pattern and value)%n", c[0], c[1], same, positions);
      assertEquals(positions, same, c[0] + c[1]);
    }
  }

  @Test
  void maxMode() {
    check("", "revived", RevivalSettings.PAPER, false);
  }

  @Test
  void aveMode() {
    check("", "revived_ave", new RevivalSettings(0.6, Magnitude.AVE, 2021, 500, 1e-5), false);
  }

  @Test
  void sampleMode() {
    check("", "revived_sample", new RevivalSettings(0.6, Magnitude.SAMPLE, 2021, 500, 1e-5), false);
  }

  @Test
  void topRatio08() {
    check("", "revived_top0.8", new RevivalSettings(0.8, Magnitude.MAX, 2021, 500, 1e-5), false);
  }

  @Test
  void signsFromTheOriginal() {
    check("", "revived_signorig", RevivalSettings.PAPER, true);
  }

  @Test
  void denseMaskUsesBothRandnPaths() {
    check("dense/", "revived", RevivalSettings.PAPER, false);
  }

  private static void check(String dir, String goldenFile, RevivalSettings settings, boolean signFromOriginal) {
    Map<String, LayerWeight> pruned = RevivalFixture.weights(dir + "pruned_ffn2.safetensors");
    Map<String, LayerWeight> golden = RevivalFixture.weights(dir + goldenFile + ".safetensors");
    Map<String, LayerWeight> original = signFromOriginal ? original(pruned.keySet()) : null;
    Revival.Revived r = Revival.revive(pruned, Revival.zeros(pruned), original, settings, null, RevivalListener.NONE);
    long locations = 0;
    long within = 0;
    long zerosKept = 0;
    long goldenZeros = 0;
    double worst = 0;
    String worstAt = "";
    for (String layer : pruned.keySet()) {
      float[] w = pruned.get(layer).w();
      float[] g = golden.get(layer).w();
      float[] v = r.weights().get(layer);
      for (int p = 0; p < g.length; p++) {
        if (w[p] != 0f) {
          assertEquals(Float.floatToRawIntBits(w[p]), Float.floatToRawIntBits(v[p]), layer + " kept weight " + p + " changed");
          continue;
        }
        locations++;
        if (g[p] == 0f) {
          goldenZeros++;
          if (Float.floatToRawIntBits(v[p]) == 0) zerosKept++;
        }
        double rel = Math.abs(v[p] - g[p]) / Math.max(Math.abs(g[p]), 1e-30);
        if (g[p] == 0f) rel = v[p] == 0f ? 0 : Double.POSITIVE_INFINITY;
        if (rel <= REL) within++;
        if (rel > worst) {
          worst = rel;
          worstAt = layer + "[" + p + "] got " + v[p] + " want " + g[p];
        }
      }
    }
    System.out.printf("%s%s: %d of %d locations within %.0e relative (%.2f%%), %d of %d dropped positions +0.0, max rel %.3g %s%n",
        dir, goldenFile, within, locations, REL, 100.0 * within / locations, zerosKept, goldenZeros, worst, worstAt);
    assertEquals(locations, within, "worst " + worstAt);
    assertEquals(goldenZeros, zerosKept);
  }

  /** The unpruned ff.net.2 weights of tiny-sd. */
  private static Map<String, LayerWeight> original(Iterable<String> layers) {
    Map<String, LayerWeight> out = new TreeMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(Fixtures.path("fixtures/tiny-sd/unet/diffusion_pytorch_model.safetensors"))) {
      WeightSource ws = WeightSource.of(f);
      for (String l : layers) out.put(l, ws.weight(l));
    }
    assertTrue(out.size() == 6);
    return out;
  }
}
