package org.conceptprune.prune;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Skilled neurons of one layer at one UNet call (ALGORITHM.md §4).
 *
 * <pre>
 *   S*[i,j] = |W[i,j]| * norm*[j]        S[i,j] = |W[i,j]| * norm[j]        (target, reference)
 *   Top_k(i) = the kcount = floor(k * in) columns with the largest S*[i,:]
 *              (equal scores -> smaller column first)
 *   skilled[i,j]   = j in Top_k(i) and S*[i,j] > S[i,j]     (strict: equal is not pruned)
 *   unskilled[i,j] = j in Top_k(i) and S*[i,j] < S[i,j]
 * </pre>
 *
 * W is [out, in] row-major (rows = outputs); sumsq vectors are [in].
 */
public final class SkilledNeurons {
  private SkilledNeurons() {}

  /**
   * kcount = (int) (k * in): the IEEE double product, truncated, as Python's {@code int(k * in)}
   * (e.g. 0.29 * 100 = 28.999999999999996 -> 28).
   */
  public static int kCount(double k, int in) {
    if (!(k >= 0 && k <= 1)) throw new IllegalArgumentException("k must lie in [0, 1], got " + k);
    return (int) (k * in);
  }

  /** Top_k of one row of scores: the kcount best columns, best first (ties: smaller column). */
  static int[] topK(double[] score, int kcount) {
    TopK top = new TopK(Math.min(kcount, score.length));
    for (int j = 0; j < score.length; j++) top.offer(score[j], j);
    return top.drainRanked();
  }

  /** Top_k(i) of S*[i,:] = |W[i,:]| * norm*, best first: row {@code row} of w [out, in]. */
  static int[] topK(float[] w, int row, double[] colNorm, int kcount) {
    return topK(Wanda.scoreRow(w, row, colNorm), kcount);
  }

  /** The top-k mask itself (no comparison with the reference): top[i,j] = j in Top_k(i). */
  static LayerMask topKMask(float[] w, int out, int in, float[] sumsq, double k) {
    double[] norm = Wanda.columnNorm(sumsq);
    LayerMask m = new LayerMask(out, in);
    int kc = kCount(k, in);
    for (int i = 0; i < out; i++) {
      for (int j : topK(w, i, norm, kc)) m.set(i, j);
    }
    return m;
  }

  /** skilled[i,j] = j in Top_k(i) of S* and S*[i,j] > S[i,j]; w [out, in], sumsq [in]. */
  static LayerMask skilled(float[] w, int out, int in, float[] sumsqTarget, float[] sumsqRef,
      double k) {
    return select(w, out, in, Wanda.columnNorm(sumsqTarget), Wanda.columnNorm(sumsqRef),
        kCount(k, in), Variant.SKILLED);
  }

  /** unskilled[i,j] = j in Top_k(i) of S* and S*[i,j] < S[i,j]; w [out, in], sumsq [in]. */
  static LayerMask unskilled(float[] w, int out, int in, float[] sumsqTarget,
      float[] sumsqRef, double k) {
    return select(w, out, in, Wanda.columnNorm(sumsqTarget), Wanda.columnNorm(sumsqRef),
        kCount(k, in), Variant.UNSKILLED);
  }

  /** The mask of one layer at one call from precomputed column norms [in]. */
  public static LayerMask select(float[] w, int out, int in, double[] normTarget, double[] normRef,
      int kcount, Variant variant) {
    return vote(w, out, in, new double[][] {normTarget}, new double[][] {normRef}, kcount, variant, 0.0);
  }

  /**
   * The mask of one layer over the calls t = 0..t̂-1 (t̂ = normTarget.length), by vote:
   * M[i,j] = 1 iff #{t : M_t[i,j] = 1} > rho * t̂ (rho = 0: M = OR_t M_t), where M_t is the
   * skilled (or unskilled) mask at call t from the column norms normTarget[t], normRef[t] [in].
   *
   * <p>Row-outer loop: a row of W (4d floats) stays in cache while every call is scored. Per row and
   * call, {@link RowTopK} selects Top_k without a full sort, guided by the previous row's threshold;
   * S is computed for the kcount survivors only. Blocks of 64 rows run in parallel; they own whole words of the bitset, so no two threads
   * write one word, and the result does not depend on the thread count.
   */
  public static LayerMask vote(float[] w, int out, int in, double[][] normTarget, double[][] normRef,
      int kcount, Variant variant, double rho) {
    if ((long) out * in != w.length) {
      throw new IllegalArgumentException("weight has " + w.length + " values, not [" + out + ", " + in + "]");
    }
    int calls = normTarget.length;
    if (calls == 0 || normRef.length != calls) {
      throw new IllegalArgumentException(calls + " target / " + normRef.length + " reference calls");
    }
    for (int t = 0; t < calls; t++) {
      if (normTarget[t].length != in || normRef[t].length != in) {
        throw new IllegalArgumentException("call " + t + ": norms have " + normTarget[t].length + " / "
            + normRef[t].length + " columns, weight has " + in);
      }
    }
    if (!(rho >= 0 && rho < 1)) throw new IllegalArgumentException("rho must lie in [0, 1), got " + rho);
    int kc = Math.min(kcount, in);
    LayerMask m = new LayerMask(out, in);
    int blocks = (out + 63) / 64;
    IntStream.range(0, blocks).parallel().forEach(b -> {
      RowTopK top = new RowTopK(in, kc);
      int[] votes = new int[in]; // [in], per row
      double[] guess = new double[calls]; // T_t of the previous row: a good threshold guess
      Arrays.fill(guess, Double.NaN);
      for (int i = b * 64, end = Math.min(out, i + 64); i < end; i++) {
        int off = i * in;
        for (int t = 0; t < calls; t++) {
          double g = Double.isNaN(guess[t]) && t > 0 ? guess[t - 1] : guess[t];
          top.select(w, off, normTarget[t], g);
          guess[t] = top.kth();
          double[] nt = normTarget[t];
          double[] nr = normRef[t];
          for (int r = 0; r < top.size(); r++) {
            int j = top.column(r);
            if (variant.selects(Wanda.score(w[off + j], nt[j]), Wanda.score(w[off + j], nr[j]))) votes[j]++;
          }
        }
        for (int j = 0; j < in; j++) {
          if (Masks.kept(votes[j], calls, rho)) m.set(off + j);
          votes[j] = 0;
        }
      }
    });
    return m;
  }
}
