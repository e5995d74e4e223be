package org.conceptprune.attack;

import java.util.SplittableRandom;

/** k distributions over a vocabulary of V tokens, row-major [k, V], each kept on the simplex. */
final class TokenDistribution {
  private final int k;
  private final int v;
  private final float[] p;

  private TokenDistribution(int k, int v, float[] p) {
    this.k = k;
    this.v = v;
    this.p = p;
  }

  /** The reference's init: every token 1/V (already on the simplex). */
  static TokenDistribution uniform(int k, int v) {
    float[] p = new float[k * v];
    java.util.Arrays.fill(p, 1f / v);
    TokenDistribution d = new TokenDistribution(k, v, p);
    d.project();
    return d;
  }

  float[] probs() {
    return p;
  }

  void project() {
    SimplexProjection.projectRows(p, k, v);
  }

  /** One token per row drawn from its distribution ({@code torch.multinomial(p, 1)}). */
  int[] sample(SplittableRandom r) {
    int[] out = new int[k];
    for (int row = 0; row < k; row++) {
      double sum = 0;
      for (int j = 0; j < v; j++) sum += p[row * v + j];
      double u = r.nextDouble() * sum;
      int pick = v - 1;
      double acc = 0;
      for (int j = 0; j < v; j++) {
        acc += p[row * v + j];
        if (u < acc) {
          pick = j;
          break;
        }
      }
      out[row] = pick;
    }
    return out;
  }

  /** The most likely token of each row (first on ties, as torch.argmax). */
  int[] argmax() {
    int[] out = new int[k];
    for (int row = 0; row < k; row++) {
      int best = 0;
      for (int j = 1; j < v; j++) if (p[row * v + j] > p[row * v + best]) best = j;
      out[row] = best;
    }
    return out;
  }

  static float[] oneHot(int[] ids, int v) {
    float[] out = new float[ids.length * v];
    for (int i = 0; i < ids.length; i++) out[i * v + ids[i]] = 1f;
    return out;
  }
}
