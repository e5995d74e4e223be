package org.conceptprune.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Random;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.TensorCodec;
import org.junit.jupiter.api.Test;

/** The per-row top-k and skilled/unskilled rules on matrices where the answer is obvious. */
class SkilledNeuronsTest {
  @Test
  void kCountTruncatesTheDoubleProduct() {
    assertEquals(1, SkilledNeurons.kCount(0.01, 128));
    assertEquals(2, SkilledNeurons.kCount(0.02, 128));
    assertEquals(6, SkilledNeurons.kCount(0.05, 128));
    assertEquals(2, SkilledNeurons.kCount(0.01, 256));
    assertEquals(5, SkilledNeurons.kCount(0.02, 256));
    assertEquals(12, SkilledNeurons.kCount(0.05, 256));
    assertEquals(102, SkilledNeurons.kCount(0.02, 5120));
    assertEquals(28, SkilledNeurons.kCount(0.29, 100)); // 0.29 * 100 = 28.999999999999996
    assertEquals(56, SkilledNeurons.kCount(0.57, 100)); // 56.99999999999999
    assertEquals(0, SkilledNeurons.kCount(0.0, 5120));
    assertEquals(10, SkilledNeurons.kCount(1.0, 10));
    assertThrows(IllegalArgumentException.class, () -> SkilledNeurons.kCount(-0.1, 10));
    assertThrows(IllegalArgumentException.class, () -> SkilledNeurons.kCount(Double.NaN, 10));
  }

  @Test
  void tiesGoToTheSmallerColumnAndNegativeZeroEqualsZero() {
    assertArrayEquals(new int[] {1, 3, 0, 2}, SkilledNeurons.topK(new double[] {1, 2, 1, 2}, 4));
    assertArrayEquals(new int[] {1, 3}, SkilledNeurons.topK(new double[] {1, 2, 1, 2}, 2));
    assertArrayEquals(new int[] {0, 1, 2}, SkilledNeurons.topK(new double[] {0.0, -0.0, 0.0}, 3));
    assertArrayEquals(new int[] {1, 0}, SkilledNeurons.topK(new double[] {-0.0, 0.5, 0.0}, 2));
    assertArrayEquals(new int[] {}, SkilledNeurons.topK(new double[] {3, 4}, 0));
  }

  @Test
  void topKMatchesAFullStableSortOnRandomRowsWithTies() {
    Random r = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(60);
      double[] s = new double[n];
      for (int j = 0; j < n; j++) s[j] = r.nextInt(5) * 0.25; // many ties
      Integer[] order = new Integer[n];
      for (int j = 0; j < n; j++) order[j] = j;
      Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a])); // stable: ties keep index order
      int k = r.nextInt(n + 1);
      int[] want = Arrays.stream(order).limit(k).mapToInt(Integer::intValue).toArray();
      assertArrayEquals(want, SkilledNeurons.topK(s, k));
    }
  }

  @Test
  void theTopKTakesTheLargestTargetScorePerRow() {
    // W [2, 4]; target norms favour column 3, reference norms are 1 everywhere
    float[] w = {1, 1, 1, 1, 4, 3, 2, 1};
    float[] target = {1, 1, 1, 100}; // norm* = 1, 1, 1, 10
    float[] ref = {1, 1, 1, 1};
    LayerMask m = SkilledNeurons.skilled(w, 2, 4, target, ref, 0.25); // kcount 1
    assertEquals(2, m.count());
    assertEquals(true, m.get(0, 3));
    assertEquals(true, m.get(1, 3)); // 1 * 10 beats 4 * 1
    // k 0.5: row 1 takes 3 (10) and 0 (4); column 0 has norm* == norm, so only 3 is skilled
    LayerMask m2 = SkilledNeurons.skilled(w, 2, 4, target, ref, 0.5);
    assertEquals(2, m2.count());
    // reference norm of column 0 raised to 2: column 0 (in both rows' top 2) becomes unskilled
    float[] ref0 = {4, 1, 1, 1};
    LayerMask u = SkilledNeurons.unskilled(w, 2, 4, target, ref0, 0.5);
    assertEquals(2, u.count());
    assertEquals(true, u.get(0, 0));
    assertEquals(true, u.get(1, 0));
    assertEquals(m2, SkilledNeurons.skilled(w, 2, 4, target, ref0, 0.5));
  }

  @Test
  void equalNormsPruneNothing() {
    float[] w = new float[8 * 16];
    Random r = new Random(1);
    for (int p = 0; p < w.length; p++) w[p] = (float) r.nextGaussian();
    float[] s = new float[16];
    Arrays.fill(s, 2.5f);
    assertEquals(0, SkilledNeurons.skilled(w, 8, 16, s, s.clone(), 0.5).count());
    assertEquals(0, SkilledNeurons.unskilled(w, 8, 16, s, s.clone(), 0.5).count());
    assertEquals(8 * 8, SkilledNeurons.topKMask(w, 8, 16, s, 0.5).count());
  }

  @Test
  void zeroWeightsAreNeverSkilled() {
    float[] w = new float[3 * 5]; // all zero: S* = S = 0, equality is not pruned
    float[] t = {9, 9, 9, 9, 9};
    float[] b = {1, 1, 1, 1, 1};
    assertEquals(0, SkilledNeurons.skilled(w, 3, 5, t, b, 1.0).count());
    // a zero row among non-zero rows
    float[] w2 = {1, 2, 3, 4, 5, 0, 0, 0, 0, 0};
    LayerMask m = SkilledNeurons.skilled(w2, 2, 5, t, b, 0.4);
    assertEquals(true, m.get(0, 4));
    assertEquals(true, m.get(0, 3));
    assertEquals(2, m.count());
  }

  @Test
  void tiesFixture() throws Exception {
    String dir = "fixtures/conceptprune-sd1/";
    JsonNode json = new ObjectMapper().readTree(Fixtures.path(dir + "conceptprune_ties.json").toFile());
    try (SafetensorsFile f = SafetensorsFile.open(Fixtures.path(dir + "conceptprune_ties.safetensors"))) {
      float[] w = f.floats("W"); // [4, 10]
      float[] st = f.floats("sumsq_target");
      float[] sb = f.floats("sumsq_base");
      double[] norm = Wanda.columnNorm(st);
      for (String k : new String[] {"0.1", "0.2", "0.3", "0.5"}) {
        double kk = Double.parseDouble(k);
        JsonNode entry = json.get("k" + k);
        int kc = SkilledNeurons.kCount(kk, 10);
        assertEquals(entry.get("kcount").asInt(), kc);
        for (int i = 0; i < 4; i++) {
          int[] order = new int[10];
          for (int j = 0; j < 10; j++) order[j] = entry.get("order_rows").get(i).get(j).asInt();
          assertArrayEquals(order, SkilledNeurons.topK(w, i, norm, 10), "row " + i);
          assertArrayEquals(Arrays.copyOf(order, kc), SkilledNeurons.topK(w, i, norm, kc), "row " + i);
        }
        assertEquals(u8(f, "topk.k" + k), SkilledNeurons.topKMask(w, 4, 10, st, kk), "topk " + k);
        assertEquals(u8(f, "skilled.k" + k), SkilledNeurons.skilled(w, 4, 10, st, sb, kk), "skilled " + k);
        assertEquals(u8(f, "unskilled.k" + k), SkilledNeurons.unskilled(w, 4, 10, st, sb, kk), "unskilled " + k);
      }
    }
  }

  /** The fast path (guessed thresholds, blocks of rows) against the plain heap, with many ties. */
  @Test
  void fastPathEqualsTheHeapOnTiesAndVotes() {
    Random r = new Random(11);
    int out = 150;
    int in = 97;
    int calls = 4;
    float[] w = new float[out * in];
    for (int p = 0; p < w.length; p++) w[p] = r.nextInt(7) - 3; // integers: ties and zeros
    double[][] nt = new double[calls][];
    double[][] nr = new double[calls][];
    float[][] st = new float[calls][in];
    float[][] sr = new float[calls][in];
    for (int t = 0; t < calls; t++) {
      for (int j = 0; j < in; j++) {
        st[t][j] = r.nextInt(4);
        sr[t][j] = r.nextInt(4);
      }
      nt[t] = Wanda.columnNorm(st[t]);
      nr[t] = Wanda.columnNorm(sr[t]);
    }
    for (double k : new double[] {0.0, 0.01, 0.05, 0.3, 1.0}) {
      int kc = SkilledNeurons.kCount(k, in);
      java.util.List<LayerMask> perCall = new java.util.ArrayList<>();
      for (int t = 0; t < calls; t++) {
        LayerMask slow = new LayerMask(out, in);
        for (int i = 0; i < out; i++) {
          for (int j : SkilledNeurons.topK(w, i, nt[t], kc)) {
            if (Math.abs(w[i * in + j]) * nt[t][j] > Math.abs(w[i * in + j]) * nr[t][j]) slow.set(i, j);
          }
        }
        assertEquals(slow, SkilledNeurons.skilled(w, out, in, st[t], sr[t], k), "k " + k + " t " + t);
        perCall.add(slow);
      }
      for (double rho : new double[] {0.0, 0.3, 0.5}) {
        assertEquals(CallUnion.union(perCall, rho),
            SkilledNeurons.vote(w, out, in, nt, nr, kc, Variant.SKILLED, rho), "k " + k + " rho " + rho);
      }
    }
  }

  private static LayerMask u8(SafetensorsFile f, String name) {
    return LayerMask.fromU8(4, 10, TensorCodec.toBytes(f.bytes(name)));
  }
}
