package org.conceptprune.eval.nudenet;

/**
 * OpenCV's {@code cv2.resize(img, (dw, dh))} with its default {@code INTER_LINEAR}, for 8-bit images
 * with interleaved channels: the fixed-point path of {@code imgproc/src/resize.cpp} (not the
 * {@code INTER_LINEAR_EXACT} one). Checked bit for bit against opencv-python-headless 5.0.0 on x86-64
 * ({@code cv-golden.json}); ARM builds that route resize to a vendor HAL may differ.
 *
 * <ol>
 *   <li>Same size: a copy.
 *   <li>Taps per output coordinate d (double maths, then float): {@code scale = 1 / (dsize / ssize)},
 *       {@code f = (float)((d + 0.5) scale - 0.5)}, {@code s = floor(f)}, {@code f -= s}; weights
 *       {@code a0 = rint((1 - f) 2048)}, {@code a1 = rint(f 2048)} ({@code INTER_RESIZE_COEF_BITS = 11}).
 *       Horizontally a tap left of the image becomes (0, weight 1) and one at or past the last column
 *       becomes (last, weight 1); vertically the rows are clamped instead, the weights kept.
 *   <li>Horizontal pass, exact integers: {@code H = a0 S[s] + a1 S[s + 1]} (value x 2048).
 *   <li>Vertical pass, the SIMD kernel's rounding (its scalar tail matches it):
 *       {@code ((b0 (H0 >> 4)) >> 16) + ((b1 (H1 >> 4)) >> 16) + 2) >> 2}, saturated to 0..255.
 * </ol>
 * An exact 2x downscale (which OpenCV hands to INTER_AREA) gives the same bytes through these steps.
 */
public final class CvResize {
  private CvResize() {}

  static final int COEF_BITS = 11;
  static final int COEF_SCALE = 1 << COEF_BITS;

  /** Source index and fixed-point weights of each output coordinate along one axis. */
  record Taps(int[] index0, int[] index1, int[] weight0, int[] weight1) {}

  /**
   * @param src {@code [h, w, cn]} unsigned bytes, row-major
   * @return {@code [dh, dw, cn]}
   */
  public static byte[] linear(byte[] src, int w, int h, int cn, int dw, int dh) {
    if (src.length != w * h * cn) throw new IllegalArgumentException("src holds " + src.length + " bytes, not " + w + "x" + h + "x" + cn);
    if (dw <= 0 || dh <= 0) throw new IllegalArgumentException("empty target size " + dw + "x" + dh);
    if (dw == w && dh == h) return src.clone();
    Taps xs = taps(dw, w, true);
    Taps ys = taps(dh, h, false);
    int[][] rows = new int[h][]; // horizontal pass of each source row, computed when first needed
    byte[] dst = new byte[dw * dh * cn];
    for (int dy = 0; dy < dh; dy++) {
      int[] r0 = hrow(src, w, cn, ys.index0[dy], xs, rows);
      int[] r1 = hrow(src, w, cn, ys.index1[dy], xs, rows);
      int b0 = ys.weight0[dy];
      int b1 = ys.weight1[dy];
      int o = dy * dw * cn;
      for (int i = 0; i < dw * cn; i++) dst[o + i] = (byte) vertical(r0[i], r1[i], b0, b1);
    }
    return dst;
  }

  /** The vertical kernel on two horizontal sums (each value x 2048). */
  static int vertical(int h0, int h1, int b0, int b1) {
    int v = (((b0 * (h0 >> 4)) >> 16) + ((b1 * (h1 >> 4)) >> 16) + 2) >> 2;
    return Math.max(0, Math.min(255, v));
  }

  private static int[] hrow(byte[] src, int w, int cn, int sy, Taps xs, int[][] rows) {
    if (rows[sy] != null) return rows[sy];
    int dw = xs.index0.length;
    int[] out = new int[dw * cn];
    int base = sy * w * cn;
    for (int dx = 0; dx < dw; dx++) {
      int s0 = base + xs.index0[dx] * cn;
      int s1 = base + xs.index1[dx] * cn;
      for (int c = 0; c < cn; c++) {
        out[dx * cn + c] = (src[s0 + c] & 0xff) * xs.weight0[dx] + (src[s1 + c] & 0xff) * xs.weight1[dx];
      }
    }
    rows[sy] = out;
    return out;
  }

  /**
   * The taps of OpenCV's linear resize along one axis.
   *
   * @param clampWeights true for x (a tap outside the image takes the edge pixel with weight 1),
   *     false for y (rows are clamped to the image, the weights are kept)
   */
  static Taps taps(int dsize, int ssize, boolean clampWeights) {
    double scale = 1.0 / ((double) dsize / ssize); // OpenCV keeps inv_scale = dsize / ssize and inverts it
    int[] i0 = new int[dsize];
    int[] i1 = new int[dsize];
    int[] w0 = new int[dsize];
    int[] w1 = new int[dsize];
    for (int d = 0; d < dsize; d++) {
      float f = (float) ((d + 0.5) * scale - 0.5);
      int s = (int) Math.floor(f);
      f -= s;
      if (clampWeights) {
        if (s < 0) {
          f = 0f;
          s = 0;
        }
        if (s >= ssize - 1) {
          f = 0f;
          s = ssize - 1;
        }
      }
      i0[d] = clamp(s, ssize);
      i1[d] = clamp(s + 1, ssize);
      w0[d] = coefficient(1f - f);
      w1[d] = coefficient(f);
    }
    return new Taps(i0, i1, w0, w1);
  }

  /** {@code saturate_cast<short>(c * INTER_RESIZE_COEF_SCALE)}: round half to even. */
  static int coefficient(float c) {
    double v = Math.rint(c * (float) COEF_SCALE);
    return (int) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
  }

  private static int clamp(int i, int n) {
    return Math.max(0, Math.min(n - 1, i));
  }
}
