package org.conceptprune.io.pickle;

/** Memory orders of NumPy arrays. */
final class NumpyOrder {
  private NumpyOrder() {}

  /** Fortran-ordered (first index fastest) element bytes to C order (last index fastest). */
  static byte[] fortranToC(byte[] f, long[] shape, int size) {
    int d = shape.length;
    if (d < 2) return f;
    byte[] c = new byte[f.length];
    int n = f.length / size;
    int[] idx = new int[d];
    for (int i = 0; i < n; i++) { // i walks C order; idx is its multi-index
      long fo = 0;
      long stride = 1;
      for (int k = 0; k < d; k++) {
        fo += idx[k] * stride;
        stride *= shape[k];
      }
      System.arraycopy(f, (int) fo * size, c, i * size, size);
      for (int k = d - 1; k >= 0; k--) {
        if (++idx[k] < shape[k]) break;
        idx[k] = 0;
      }
    }
    return c;
  }
}
