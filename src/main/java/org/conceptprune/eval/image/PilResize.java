package org.conceptprune.eval.image;

/**
 * Pillow's {@code Image.resize(size, resample)} of an 8-bit RGB image, byte for byte
 * (libImaging/Resample.c, the 8-bit path; {@code box} = the whole image, {@code reducing_gap} = None,
 * which are the defaults that torchvision's and transformers' resizes use).
 *
 * <p>Two separable passes with convolution filters whose support grows with the downscale factor
 * (so downscaling is antialiased): first horizontal, into an intermediate image holding only the
 * rows the vertical pass will read, then vertical. A pass whose size does not change is skipped;
 * if neither changes the image is copied. Each output sample is
 * {@code clip8(2^21 + sum_i in_i * k_i)} with fixed-point coefficients {@code k_i = round(w_i 2^22)}
 * of the normalised filter weights {@code w_i}.
 */
public final class PilResize {
  private PilResize() {}

  /** Fractional bits of the fixed-point coefficients: 32 - 8 (result) - 2 (overflow of negative lobes). */
  static final int PRECISION_BITS = 32 - 8 - 2;

  /** Pillow's resampling filters (NEAREST is an affine transform in Pillow, not a filter: not here). */
  public enum Filter {
    /** {@code Image.BOX}: 1 on (-1/2, 1/2]. */
    BOX(0.5),
    /** {@code Image.BILINEAR} (2): the triangle 1 - |x| on [-1, 1]. */
    BILINEAR(1.0),
    /** {@code Image.HAMMING} (5): sinc windowed by a Hamming window, support 1. */
    HAMMING(1.0),
    /** {@code Image.BICUBIC} (3): Keys' cubic convolution with a = -0.5. */
    BICUBIC(2.0),
    /** {@code Image.LANCZOS} (1): sinc(x) sinc(x/3) on [-3, 3). */
    LANCZOS(3.0);

    /** Half-width of the filter at scale 1, in input pixels. */
    final double support;

    Filter(double support) {
      this.support = support;
    }

    /** The filter's weight at distance x (in filter units). */
    double weight(double x) {
      return switch (this) {
        case BOX -> x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
        case BILINEAR -> triangle(x);
        case HAMMING -> hamming(x);
        case BICUBIC -> cubic(x);
        case LANCZOS -> -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
      };
    }
  }

  static double triangle(double x) {
    x = Math.abs(x);
    return x < 1.0 ? 1.0 - x : 0.0;
  }

  /**
   * Keys' cubic with a = -0.5: {@code (a+2)|x|^3 - (a+3)|x|^2 + 1} for |x| < 1,
   * {@code a(|x|^3 - 5|x|^2 + 8|x| - 4)} for 1 <= |x| < 2, evaluated in Pillow's Horner order.
   */
  static double cubic(double x) {
    final double a = -0.5;
    x = Math.abs(x);
    if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
  }

  static double hamming(double x) {
    x = Math.abs(x);
    if (x == 0.0) return 1.0;
    if (x >= 1.0) return 0.0;
    x = x * Math.PI;
    // Pillow writes the window's constants as C floats (0.54f, 0.46f), widened to double.
    return Math.sin(x) / x * (0.54f + 0.46f * Math.cos(x));
  }

  static double sinc(double x) {
    if (x == 0.0) return 1.0;
    x = x * Math.PI;
    return Math.sin(x) / x;
  }

  /**
   * The image resized to width x height as PIL's {@code im.resize((width, height), filter)} does.
   */
  public static RgbImage resize(RgbImage src, int width, int height, Filter filter) {
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("bad size " + width + "x" + height);
    boolean horizontal = width != src.width();
    boolean vertical = height != src.height();
    if (!horizontal && !vertical) return new RgbImage(width, height, src.rgb().clone());
    Coefficients vert = Coefficients.of(src.height(), height, filter);
    RgbImage in = src;
    if (horizontal) {
      // Only the rows the vertical pass reads are resampled horizontally.
      int first = vert.min[0];
      int last = vert.min[height - 1] + vert.count[height - 1];
      Coefficients horiz = Coefficients.of(src.width(), width, filter);
      in = horizontalPass(src, horiz, first, last - first);
      if (vertical) vert = vert.shifted(-first);
    }
    return vertical ? verticalPass(in, vert) : in;
  }

  /** Rows [first, first + rows) of src, each resampled to horiz.outSize samples. */
  private static RgbImage horizontalPass(RgbImage src, Coefficients c, int first, int rows) {
    byte[] in = src.rgb();
    int inW = src.width();
    int outW = c.outSize();
    byte[] out = new byte[outW * rows * 3];
    for (int y = 0; y < rows; y++) {
      int row = (first + y) * inW;
      for (int xx = 0; xx < outW; xx++) {
        int xmin = c.min[xx];
        int n = c.count[xx];
        int kOff = xx * c.ksize;
        int s0 = 1 << (PRECISION_BITS - 1);
        int s1 = s0;
        int s2 = s0;
        for (int i = 0; i < n; i++) {
          int k = c.k[kOff + i];
          int p = (row + xmin + i) * 3;
          s0 += (in[p] & 0xff) * k;
          s1 += (in[p + 1] & 0xff) * k;
          s2 += (in[p + 2] & 0xff) * k;
        }
        int o = (y * outW + xx) * 3;
        out[o] = clip8(s0);
        out[o + 1] = clip8(s1);
        out[o + 2] = clip8(s2);
      }
    }
    return new RgbImage(outW, rows, out);
  }

  private static RgbImage verticalPass(RgbImage src, Coefficients c) {
    byte[] in = src.rgb();
    int w = src.width();
    int outH = c.outSize();
    byte[] out = new byte[w * outH * 3];
    for (int yy = 0; yy < outH; yy++) {
      int ymin = c.min[yy];
      int n = c.count[yy];
      int kOff = yy * c.ksize;
      for (int x = 0; x < w; x++) {
        int s0 = 1 << (PRECISION_BITS - 1);
        int s1 = s0;
        int s2 = s0;
        for (int i = 0; i < n; i++) {
          int k = c.k[kOff + i];
          int p = ((ymin + i) * w + x) * 3;
          s0 += (in[p] & 0xff) * k;
          s1 += (in[p + 1] & 0xff) * k;
          s2 += (in[p + 2] & 0xff) * k;
        }
        int o = (yy * w + x) * 3;
        out[o] = clip8(s0);
        out[o + 1] = clip8(s1);
        out[o + 2] = clip8(s2);
      }
    }
    return new RgbImage(w, outH, out);
  }

  /** The fixed-point sum back to a byte: drop the fraction (the 2^21 added first rounds), clamp to 0..255. */
  static byte clip8(int sum) {
    int v = sum >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : Math.min(v, 255));
  }

  /**
   * The filter taps of every output sample along one axis (Pillow's {@code precompute_coeffs} and
   * {@code normalize_coeffs_8bpc}).
   *
   * @param min first input index of output sample i
   * @param count number of taps of output sample i
   * @param k fixed-point weights, ksize per output sample
   */
  record Coefficients(int[] min, int[] count, int[] k, int ksize) {
    int outSize() {
      return min.length;
    }

    Coefficients shifted(int by) {
      int[] m = min.clone();
      for (int i = 0; i < m.length; i++) m[i] += by;
      return new Coefficients(m, count, k, ksize);
    }

    /**
     * Output sample i is centred on input coordinate {@code c = (i + 1/2) scale}, scale = in/out;
     * when downscaling the filter is stretched by scale (filterscale = max(scale, 1)), so its
     * support is {@code support * filterscale}; tap x weighs {@code filter((x - c + 1/2) / filterscale)},
     * normalised to sum 1, then rounded half away from zero to {@code PRECISION_BITS} bits.
     */
    static Coefficients of(int inSize, int outSize, Filter filter) {
      // Pillow computes (in1 - in0) in float (box corners are floats); exact for image sizes.
      double scale = (double) ((float) inSize - 0f) / outSize;
      double filterscale = Math.max(scale, 1.0);
      double support = filter.support * filterscale;
      int ksize = (int) Math.ceil(support) * 2 + 1;
      int[] min = new int[outSize];
      int[] count = new int[outSize];
      int[] k = new int[outSize * ksize];
      double[] w = new double[ksize];
      for (int xx = 0; xx < outSize; xx++) {
        double center = 0f + (xx + 0.5) * scale;
        double ss = 1.0 / filterscale;
        int xmin = Math.max((int) (center - support + 0.5), 0);
        int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
        double ww = 0.0;
        for (int x = 0; x < xmax; x++) {
          w[x] = filter.weight((x + xmin - center + 0.5) * ss);
          ww += w[x];
        }
        for (int x = 0; x < xmax; x++) {
          double v = ww != 0.0 ? w[x] / ww : w[x];
          k[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
        }
        min[xx] = xmin;
        count[xx] = xmax;
      }
      return new Coefficients(min, count, k, ksize);
    }
  }
}
