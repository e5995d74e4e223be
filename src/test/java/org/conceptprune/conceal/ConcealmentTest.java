package org.conceptprune.conceal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.revival.Locations;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;

/**
 * The defenses on random weights with a Wanda-like mask (large weights cut, 1 to 4 per row): decoys keep
 * every cut weight at zero and add exactly the smallest others; noise leaves no exact zero, stays below the
 * row's q-quantile, and the adaptive attacker's per-row bottom set covers every cut position.
 */
class ConcealmentTest {
  static final int OUT = 24;
  static final int IN = 40;

  static Map<String, LayerWeight> weights() {
    Map<String, LayerWeight> w = new TreeMap<>();
    SplittableRandom r = new SplittableRandom(7);
    for (String l : new String[] {"a.ff.net.2", "b.ff.net.2"}) {
      float[] v = new float[OUT * IN];
      for (int p = 0; p < v.length; p++) v[p] = (float) (r.nextGaussian() * 0.1);
      w.put(l, new LayerWeight(v, OUT, IN));
    }
    return w;
  }

  /** Per row the 1 + (i % 4) largest |W|. */
  static Map<String, LayerMask> mask(Map<String, LayerWeight> w) {
    Map<String, LayerMask> m = new TreeMap<>();
    w.forEach((l, lw) -> {
      LayerMask lm = new LayerMask(OUT, IN);
      float[] neg = new float[IN];
      for (int i = 0; i < OUT; i++) {
        for (int j = 0; j < IN; j++) neg[j] = 1f / (1e-6f + Math.abs(lw.w()[i * IN + j])); // largest |W| = smallest 1/|W|
        LayerWeight row = new LayerWeight(neg, 1, IN);
        LayerMask top = Locations.bottomOfRows(row, (1 + i % 4) / (double) IN);
        for (int j = 0; j < IN; j++) if (top.get(j)) lm.set(i, j);
      }
      m.put(l, lm);
    });
    return m;
  }

  @Test
  void decoysKeepTheCutAtZeroAndAddTheSmallestOthers() {
    Map<String, LayerWeight> w = weights();
    Map<String, LayerMask> m = mask(w);
    long cut = Concealment.count(m);
    assertEquals(2 * 6 * (1 + 2 + 3 + 4), cut);
    Concealment.Concealed c = Concealment.decoys(w, m, 0.1);
    assertEquals((long) Math.ceil(cut / 0.1) - cut, c.decoys()); // 9 decoys per cut weight: 1,080
    long zeros = 0;
    float largestDecoy = 0;
    float smallestKept = Float.MAX_VALUE;
    for (String l : w.keySet()) {
      float[] before = w.get(l).w();
      float[] after = c.weights().get(l);
      for (int p = 0; p < after.length; p++) {
        if (m.get(l).get(p)) {
          assertEquals(0f, after[p], "cut weight " + l + "[" + p + "] is not zero");
        } else if (after[p] == 0f) {
          largestDecoy = Math.max(largestDecoy, Math.abs(before[p]));
        } else {
          assertEquals(before[p], after[p]);
          smallestKept = Math.min(smallestKept, Math.abs(before[p]));
        }
        if (after[p] == 0f) zeros++;
      }
      assertTrue(c.changed().get(l).countAnd(m.get(l)) == m.get(l).count());
    }
    assertEquals(cut + c.decoys(), zeros);
    assertTrue(largestDecoy <= smallestKept, largestDecoy + " > " + smallestKept);
    assertEquals(0.1, (double) cut / zeros, 1e-3);
  }

  @Test
  void noiseLeavesNoZeroStaysSmallAndTheAdaptiveSetCoversTheCut() {
    Map<String, LayerWeight> w = weights();
    Map<String, LayerMask> m = mask(w);
    double q = 0.05;
    Concealment.Concealed c = Concealment.noise(w, m, q, 3);
    assertEquals(0, c.skippedRows());
    for (String l : w.keySet()) {
      float[] before = w.get(l).w();
      float[] after = c.weights().get(l);
      LayerMask lm = m.get(l);
      for (int i = 0; i < OUT; i++) {
        float rowMax = 0;
        int survivors = 0;
        for (int j = 0; j < IN; j++) {
          if (!lm.get(i, j)) {
            rowMax = Math.max(rowMax, Math.abs(before[i * IN + j]));
            survivors++;
          }
        }
        float[] sorted = new float[survivors];
        int n = 0;
        for (int j = 0; j < IN; j++) if (!lm.get(i, j)) sorted[n++] = Math.abs(before[i * IN + j]);
        java.util.Arrays.sort(sorted);
        float quantile = sorted[(int) Math.ceil(q * (survivors - 1))];
        for (int j = 0; j < IN; j++) {
          int p = i * IN + j;
          if (lm.get(p)) {
            assertTrue(after[p] != 0f, "an exact zero is left at " + l + "[" + p + "]");
            assertTrue(Math.abs(after[p]) < rowMax && Math.abs(after[p]) <= quantile, Math.abs(after[p]) + " vs " + quantile);
          } else {
            assertEquals(before[p], after[p]);
          }
        }
      }
      // The adaptive attacker: per row the (most cut per row + q-quantile's rank + 1) smallest |W| hold every cut position.
      double f = (4 + Math.ceil(q * (IN - 1)) + 1) / IN;
      LayerMask cand = Locations.bottomOfRows(new LayerWeight(after, OUT, IN), f);
      assertEquals(lm.count(), cand.countAnd(lm), l + ": the adaptive set misses cut positions");
      // ... and the naive attacker finds nothing
      assertEquals(0, org.conceptprune.revival.Revival.zeros(new LayerWeight(after, OUT, IN)).count());
    }
    assertArrayEquals(c.weights().get("a.ff.net.2"), Concealment.noise(w, m, q, 3).weights().get("a.ff.net.2"), "same seed, same fill");
  }

  @Test
  void flipNegatesTheCutAndTheRowTopSetCoversIt() {
    Map<String, LayerWeight> w = weights();
    Map<String, LayerMask> m = mask(w);
    Concealment.Concealed c = Concealment.flip(w, m);
    for (String l : w.keySet()) {
      float[] before = w.get(l).w();
      float[] after = c.weights().get(l);
      for (int p = 0; p < after.length; p++) assertEquals(m.get(l).get(p) ? -before[p] : before[p], after[p]);
      assertEquals(0, org.conceptprune.revival.Revival.zeros(new LayerWeight(after, OUT, IN)).count());
      // the cut was the 1-4 largest |W| of each row: the 4 largest per row (row-top:0.1) hold all of them
      LayerMask top = Locations.topOfRows(new LayerWeight(after, OUT, IN), 4.0 / IN);
      assertEquals(m.get(l).count(), top.countAnd(m.get(l)));
      assertEquals(4L * OUT, top.count());
    }
  }

  @Test
  void badSettings() {
    Map<String, LayerWeight> w = weights();
    Map<String, LayerMask> m = mask(w);
    assertTrue(assertThrowsUser(() -> Concealment.decoys(w, m, 0)).contains("--share must be in (0, 1]"));
    assertTrue(assertThrowsUser(() -> Concealment.noise(w, m, 1.5, 0)).contains("--quantile must be in (0, 1]"));
    assertTrue(assertThrowsUser(() -> Concealment.decoys(w, m, 0.001)).contains("decoys but only"));
  }

  private static String assertThrowsUser(Runnable r) {
    return org.junit.jupiter.api.Assertions.assertThrows(UserError.class, r::run).getMessage();
  }
}
