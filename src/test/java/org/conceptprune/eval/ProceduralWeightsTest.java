package org.conceptprune.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The recipe of fixtures/eval/README.md against an independent Python transcription
 * (fixtures/eval/procedural-weights.py prints these values). The goldens of the two procedural models
 * (FidInceptionGoldenTest's pool3) check every tensor end to end.
 */
class ProceduralWeightsTest {
  @Test
  void matchesThePythonRecipeBitForBit() {
    check("Conv2d_1a_3x3.conv.weight", new long[] {32, 3, 3, 3}, 2,
        0.07758553326129913f, 0.1904212087392807f, 0.05993841961026192f, -0.012129625305533409f);
    check("Mixed_7c.branch_pool.bn.running_var", new long[] {192}, 2,
        0.5667740702629089f, 1.4735922813415527f, 1.1851601600646973f, 0.930173397064209f);
    check("Mixed_6b.branch7x7_2.bn.weight", new long[] {128}, 2,
        0.949081301689148f, 1.0592801570892334f, 0.978754997253418f, 1.0484564304351807f);
    check("fc.bias", new long[] {1008}, 2,
        -1.9156932467012666e-05f, 0.03727900981903076f, 0.02713261917233467f, -0.05279183387756348f);
    check("fc.weight", new long[] {1008, 2048}, 2,
        -0.016380565240979195f, -0.02164287492632866f, 0.008622707799077034f, 0.019028745591640472f);
    check("conv1.weight", new long[] {64, 3, 7, 7}, 1,
        -0.0701373815536499f, 0.031705841422080994f, -0.027092594653367996f, -0.006077705882489681f);
    check("layer1.0.bn1.running_mean", new long[] {64}, 1,
        -0.09775996208190918f, 0.059835921972990036f, 0.02684706449508667f, 0.04866873100399971f);
  }

  @Test
  void rangesFollowTheKinds() {
    float[] w = ProceduralWeights.values("a.weight", new long[] {16, 4, 5}, 9); // bound 1/sqrt(20)
    float bound = (float) (1 / Math.sqrt(20));
    for (float v : w) assertTrue(Math.abs(v) <= bound, "matrix value " + v);
    for (float v : ProceduralWeights.values("bn.running_var", new long[] {50}, 9)) assertTrue(v >= 0.5f && v < 1.5f);
    for (float v : ProceduralWeights.values("bn.weight", new long[] {50}, 9)) assertTrue(v >= 0.9f && v < 1.1f);
    for (float v : ProceduralWeights.values("bn.bias", new long[] {50}, 9)) assertTrue(v >= -0.1f && v < 0.1f);
    assertEquals(1, ProceduralWeights.values("scalar", new long[] {}, 9).length);
    // the seed and the name both change the stream
    assertTrue(!Arrays.equals(ProceduralWeights.values("x.bias", new long[] {8}, 1), ProceduralWeights.values("x.bias", new long[] {8}, 2)));
    assertTrue(!Arrays.equals(ProceduralWeights.values("x.bias", new long[] {8}, 1), ProceduralWeights.values("y.bias", new long[] {8}, 1)));
  }

  @Test
  void fnvAndSplitmixKnownValues() {
    // FNV-1a-64 of "" is the offset basis; of "a" the published 0xaf63dc4c8601ec8c
    assertEquals(0xCBF29CE484222325L, ProceduralWeights.fnv1a64(new byte[0]));
    assertEquals(0xAF63DC4C8601EC8CL, ProceduralWeights.fnv1a64("a".getBytes()));
    // splitmix64 with seed 0: first output 0xe220a8397b1dcdaf (the reference generator adds the gamma first)
    assertEquals(0xE220A8397B1DCDAFL, ProceduralWeights.splitmix64(0x9E3779B97F4A7C15L));
  }

  private static void check(String name, long[] shape, long seed, float... first) {
    float[] v = ProceduralWeights.values(name, shape, seed);
    long n = 1;
    for (long d : shape) n *= d;
    assertEquals(n, v.length);
    assertArrayEquals(first, Arrays.copyOf(v, first.length), 0f, name);
  }
}
