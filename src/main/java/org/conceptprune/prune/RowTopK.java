package org.conceptprune.prune;

import java.util.Arrays;

/**
 * Top_k of one row of S* = |W[i,:]| * norm*, as a set, fast: the scores are computed in one
 * vectorisable pass, then only the columns at or above a guessed threshold L are kept as
 * candidates, and the exact kcount-th largest score T is found among them by a small sort.
 * The guess (the T of a similar row) only decides the speed: when fewer than kcount candidates reach
 * L, a lower L is tried, and finally the exact heap of {@link TopK} over the whole row.
 *
 * <p>Result: every column with S* > T, then the columns with S* == T in increasing column order
 * until kcount are taken, which is exactly "score desc, ties -> smaller column". Comparisons use
 * {@code >} and {@code ==}, so -0.0 == 0.0; a NaN score is never selected. Not thread-safe.
 */
final class RowTopK {
  private final int kcount;
  private final double[] score; // [in] S*[i,:]
  private final int[] cand; // [in] candidate columns, increasing; after select: the Top_k columns
  private final double[] candScore; // [in]
  private final double[] sorted; // [in] scratch
  private final TopK heap;
  private int size;
  private double kth;

  RowTopK(int in, int kcount) {
    this.kcount = Math.min(kcount, in);
    this.score = new double[in];
    this.cand = new int[in];
    this.candScore = new double[in];
    this.sorted = new double[in];
    this.heap = new TopK(this.kcount);
  }

  /** Number of selected columns (kcount, fewer only with NaN scores). */
  int size() {
    return size;
  }

  /** The r-th selected column, in increasing column order. */
  int column(int r) {
    return cand[r];
  }

  /** The kcount-th largest score of the last row: a good guess for a similar row. */
  double kth() {
    return kth;
  }

  /**
   * Selects Top_k of S*[j] = |w[off + j]| * norm[j], j in [0, in).
   *
   * @param guess a score near the expected kcount-th largest, or NaN when there is none
   */
  void select(float[] w, int off, double[] norm, double guess) {
    int in = score.length;
    for (int j = 0; j < in; j++) score[j] = Wanda.score(w[off + j], norm[j]);
    size = 0;
    kth = Double.NaN;
    if (kcount == 0) return;
    if (guess > 0 && (candidates(0.95 * guess) >= kcount || candidates(0.8 * guess) >= kcount)) {
      exactAmongCandidates();
    } else {
      fromHeap();
    }
  }

  /** Collects the columns with S* >= low, in increasing order; returns how many. */
  private int candidates(double low) {
    int c = 0;
    for (int j = 0; j < score.length; j++) {
      if (score[j] >= low) {
        cand[c] = j;
        candScore[c++] = score[j];
      }
    }
    size = c;
    return c;
  }

  /** T = the kcount-th largest candidate score; keeps S* > T, then S* == T by column until full. */
  private void exactAmongCandidates() {
    int c = size;
    System.arraycopy(candScore, 0, sorted, 0, c);
    Arrays.sort(sorted, 0, c);
    double t = sorted[c - kcount];
    int above = 0;
    for (int q = c - kcount + 1; q < c; q++) if (sorted[q] > t) above++;
    int ties = kcount - above; // how many columns with S* == T are taken, smallest first
    size = 0;
    for (int q = 0; q < c; q++) {
      double s = candScore[q];
      if (s > t || (s == t && ties-- > 0)) cand[size++] = cand[q];
    }
    kth = t;
  }

  /** No usable guess: the exact heap over the whole row. */
  private void fromHeap() {
    heap.clear();
    for (int j = 0; j < score.length; j++) if (!Double.isNaN(score[j])) heap.offer(score[j], j);
    size = heap.size();
    for (int r = 0; r < size; r++) cand[r] = heap.column(r);
    Arrays.sort(cand, 0, size);
    kth = size > 0 ? heap.worstScore() : Double.NaN;
  }
}
