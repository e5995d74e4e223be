package org.conceptprune.prune;

/**
 * Partial selection of the {@code k} best (score, column) pairs of one row, in O(in log k) with
 * primitive arrays and no allocation per row: a min-heap whose root is the worst pair kept.
 *
 * <p>Order: larger score first; equal scores -> smaller column first (= a stable sort of -S).
 * Comparisons use {@code <} and {@code ==} on doubles, so -0.0 == 0.0. NaN scores are not supported
 * (statistics are validated when read). Not thread-safe: one instance per thread.
 */
final class TopK {
  private final int k;
  private final int[] col; // heap of columns, root = worst kept
  private final double[] val; // their scores
  private int size;

  TopK(int k) {
    if (k < 0) throw new IllegalArgumentException("k = " + k);
    this.k = k;
    this.col = new int[k];
    this.val = new double[k];
  }

  void clear() {
    size = 0;
  }

  int size() {
    return size;
  }

  /** The i-th kept column, in heap order (not ranked). */
  int column(int i) {
    return col[i];
  }

  /** Offers column j with score s; columns may be offered in any order. */
  void offer(double s, int j) {
    if (size < k) {
      col[size] = j;
      val[size] = s;
      siftUp(size++);
    } else if (k > 0 && (s > val[0] || (s == val[0] && j < col[0]))) {
      col[0] = j;
      val[0] = s;
      siftDown(0);
    }
  }

  /** The score of the worst kept column (the root); only when size() > 0. */
  double worstScore() {
    return val[0];
  }

  /** The kept columns ranked best first; empties the heap. */
  int[] drainRanked() {
    int[] out = new int[size];
    for (int r = size - 1; r >= 0; r--) {
      out[r] = col[0];
      size--;
      col[0] = col[size];
      val[0] = val[size];
      siftDown(0);
    }
    return out;
  }

  /** a ranks below b: smaller score, or equal score and larger column. */
  private boolean worse(int a, int b) {
    return val[a] < val[b] || (val[a] == val[b] && col[a] > col[b]);
  }

  private void siftUp(int i) {
    while (i > 0) {
      int p = (i - 1) >>> 1;
      if (!worse(i, p)) return;
      swap(i, p);
      i = p;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) return;
      int m = (l + 1 < size && worse(l + 1, l)) ? l + 1 : l;
      if (!worse(m, i)) return;
      swap(i, m);
      i = m;
    }
  }

  private void swap(int a, int b) {
    int c = col[a];
    col[a] = col[b];
    col[b] = c;
    double v = val[a];
    val[a] = val[b];
    val[b] = v;
  }
}
