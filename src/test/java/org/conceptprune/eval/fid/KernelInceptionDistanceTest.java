package org.conceptprune.eval.fid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.SplittableRandom;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.runtime.TorchRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** KID against numpy goldens of clean-fid's estimator (fixtures/eval/fid-kid-golden.py). */
class KernelInceptionDistanceTest {
  static JsonNode golden;
  static float[] a;
  static float[] b;

  @BeforeAll
  static void load() throws Exception {
    golden = new ObjectMapper().readTree(Fixtures.path("fixtures/eval/fid-kid-golden.json").toFile());
    try (SafetensorsFile g = SafetensorsFile.open(Fixtures.path("fixtures/eval/fid-golden.safetensors"))) {
      a = g.floats("features_a"); // [50, 64]
      b = g.floats("features_b"); // [60, 64]
    }
  }

  @Test
  void oneSubsetMatchesNumpy() {
    JsonNode f = golden.get("mmd_fixed");
    long[] xi = longs(f.get("x_rows_of_b"));
    long[] yi = longs(f.get("y_rows_of_a"));
    try (NDManager m = TorchRuntime.newManager()) {
      NDArray bb = m.create(b, new Shape(60, 64)).toType(DataType.FLOAT64, false);
      NDArray aa = m.create(a, new Shape(50, 64)).toType(DataType.FLOAT64, false);
      double v = KernelInceptionDistance.unbiasedMmd2(bb.get(new NDIndex("{}", m.create(xi))), aa.get(new NDIndex("{}", m.create(yi))));
      double expected = f.get("value").asDouble();
      System.out.printf(Locale.ROOT, "[golden] mmd^2 %.15g vs numpy %.15g%n", v, expected);
      assertEquals(expected, v, 1e-9 * Math.abs(expected));
    }
  }

  @Test
  void fullSetsGiveCleanFidsExactKid() {
    // 50 rows each: every subset of m = 50 is a permutation, so the KID is clean-fid's whatever the draw
    float[] b50 = Arrays.copyOf(b, 50 * 64);
    KernelInceptionDistance.Result r = KernelInceptionDistance.compute(a, 50, b50, 50, 64, 10, 1000, 7);
    double expected = golden.get("kid_full_50").asDouble();
    System.out.printf(Locale.ROOT, "[golden] kid %.15g (std %.3g) vs numpy %.15g%n", r.mean(), r.std(), expected);
    assertEquals(50, r.subsetSize());
    assertEquals(expected, r.mean(), 1e-9 * Math.abs(expected));
    assertEquals(0, r.std(), 1e-9 * Math.abs(expected));
  }

  @Test
  void subsetsAreSeeded() {
    // 50 vs 60 rows: m = 50, the draws from features_b vary with the seed
    KernelInceptionDistance.Result r1 = KernelInceptionDistance.compute(a, 50, b, 60, 64, 20, 1000, 1);
    KernelInceptionDistance.Result r2 = KernelInceptionDistance.compute(a, 50, b, 60, 64, 20, 1000, 1);
    KernelInceptionDistance.Result r3 = KernelInceptionDistance.compute(a, 50, b, 60, 64, 20, 1000, 2);
    assertEquals(r1, r2);
    assertNotEquals(r1.mean(), r3.mean());
    assertTrue(r1.std() > 0, "different subsets give different MMDs");
    // a subset size below the set sizes: m = 10
    assertEquals(10, KernelInceptionDistance.compute(a, 50, b, 60, 64, 3, 10, 1).subsetSize());
  }

  @Test
  void chooseDrawsDistinctRows() {
    long[] c = KernelInceptionDistance.choose(new SplittableRandom(3), 100, 40);
    HashSet<Long> seen = new HashSet<>();
    for (long v : c) {
      assertTrue(v >= 0 && v < 100);
      assertTrue(seen.add(v), "repeated row " + v);
    }
    assertEquals(40, seen.size());
  }

  private static long[] longs(JsonNode arr) {
    long[] out = new long[arr.size()];
    for (int i = 0; i < out.length; i++) out[i] = arr.get(i).asLong();
    return out;
  }
}
