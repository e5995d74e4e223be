package org.conceptprune.revival;

/**
 * torch's float32 sum of a contiguous 1-D tensor on CPU ({@code cascade_sum} in aten's SumKernel.cpp),
 * in the same order of float additions, so {@code mean()} = sum / n matches it to the bit. With at least
 * one vector of values: lane-wise vector accumulators, four of them interleaved (ILP), each a cascade of
 * levels of 2^max(4, ⌈log2 size⌉ / 4) additions; the leftover vectors into accumulator 0, then 1, 2, 3
 * into 0; then the scalar tail in order and the lanes 0..W-1 added to it. Fewer than W values: the same
 * scheme over scalars.
 */
final class TorchSum {
  /** Vectorized&lt;float&gt;::size(): 8 lanes with AVX2 (torch's default build on x86 without AVX-512). */
  static final int LANES = 8;
  private static final int ILP = 4;
  private static final int LEVELS = 4;

  private TorchSum() {}

  static float mean(float[] v, int n) {
    return sum(v, n, LANES) / n;
  }

  static float sum(float[] v, int n, int lanes) {
    if (n < lanes) return rowSum(v, n, 1);
    int vectors = n / lanes;
    float[] acc = rowSumVectors(v, vectors, lanes);
    float total = 0;
    for (int k = vectors * lanes; k < n; k++) total += v[k];
    for (int l = 0; l < lanes; l++) total += acc[l];
    return total;
  }

  /** row_sum over {@code count} "elements" that are vectors of {@code lanes} floats (lanes = 1: scalars). */
  private static float[] rowSumVectors(float[] v, int count, int lanes) {
    int sizeIlp = count / ILP;
    float[][] partial = multiRowSum(v, lanes, sizeIlp);
    for (int i = sizeIlp * ILP; i < count; i++) add(partial[0], v, i * lanes, lanes);
    for (int k = 1; k < ILP; k++) for (int l = 0; l < lanes; l++) partial[0][l] += partial[k][l];
    return partial[0];
  }

  private static float rowSum(float[] v, int n, int lanes) {
    return rowSumVectors(v, n, lanes)[0];
  }

  /** multi_row_sum: ILP interleaved accumulators (element i·ILP + k goes to k), each a cascade of LEVELS. */
  private static float[][] multiRowSum(float[] v, int lanes, int size) {
    int levelPower = Math.max(4, ceilLog2(size) / LEVELS);
    int levelStep = 1 << levelPower;
    int levelMask = levelStep - 1;
    float[][][] acc = new float[LEVELS][ILP][lanes];
    int i = 0;
    while (i + levelStep <= size) {
      for (int j = 0; j < levelStep; j++, i++) for (int k = 0; k < ILP; k++) add(acc[0][k], v, (i * ILP + k) * lanes, lanes);
      for (int j = 1; j < LEVELS; j++) {
        for (int k = 0; k < ILP; k++) {
          for (int l = 0; l < lanes; l++) {
            acc[j][k][l] += acc[j - 1][k][l];
            acc[j - 1][k][l] = 0;
          }
        }
        if ((i & ((long) levelMask << (j * levelPower))) != 0) break;
      }
    }
    for (; i < size; i++) for (int k = 0; k < ILP; k++) add(acc[0][k], v, (i * ILP + k) * lanes, lanes);
    for (int j = 1; j < LEVELS; j++) for (int k = 0; k < ILP; k++) for (int l = 0; l < lanes; l++) acc[0][k][l] += acc[j][k][l];
    return acc[0];
  }

  private static void add(float[] acc, float[] v, int off, int lanes) {
    for (int l = 0; l < lanes; l++) acc[l] += v[off + l];
  }

  /** ⌈log2 x⌉ (0 for x ≤ 1), as c10's CeilLog2. */
  private static int ceilLog2(int x) {
    return x <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(x - 1);
  }
}
