package org.conceptprune.toy;

import java.util.SplittableRandom;
import org.conceptprune.toy.ToyWorld.Style;

/**
 * Procedural renderer of the toy world: one object, painted in one style, on a plain grey
 * background, 32x32 RGB, CHW floats in [0,1]. Edges and textures are anti-aliased by 3x3
 * supersampling. Deterministic: the same (object, style, random stream) gives the same image.
 */
public final class ToyRenderer {
  private ToyRenderer() {}

  private static final int SS = 3; // supersampling per axis

  /**
   * The random layout of one image: object centre and radius (px), object rotation (degrees),
   * texture angle jitter (degrees), period scale, texture phases, palette jitter (added to colours A
   * and B) and the background colour.
   */
  public record Layout(double cx, double cy, double radius, double rotationDeg, double textureJitterDeg,
      double periodScale, double phaseA, double phaseB, float[] jitterA, float[] jitterB, float[] background) {

    /** Draws a layout from the stream (always the same number of draws). */
    public static Layout sample(SplittableRandom rng) {
      double cx = 16 + uniform(rng, -3, 3);
      double cy = 16 + uniform(rng, -3, 3);
      double radius = uniform(rng, 8.5, 12);
      double rot = uniform(rng, -30, 30);
      double tj = uniform(rng, -7, 7);
      double ps = uniform(rng, 0.9, 1.1);
      double pa = rng.nextDouble();
      double pb = rng.nextDouble();
      float shift = (float) uniform(rng, -0.04, 0.04);
      float[] ja = new float[3];
      float[] jb = new float[3];
      for (int c = 0; c < 3; c++) ja[c] = shift + (float) uniform(rng, -0.06, 0.06);
      for (int c = 0; c < 3; c++) jb[c] = shift + (float) uniform(rng, -0.06, 0.06);
      float g = (float) uniform(rng, 0.42, 0.58);
      float[] bg = new float[3];
      for (int c = 0; c < 3; c++) bg[c] = g + (float) uniform(rng, -0.025, 0.025);
      return new Layout(cx, cy, radius, rot, tj, ps, pa, pb, ja, jb, bg);
    }
  }

  private static double uniform(SplittableRandom rng, double lo, double hi) {
    return lo + (hi - lo) * rng.nextDouble();
  }

  /** Renders (object, style) of the classic world. */
  static float[] render(int object, int style, SplittableRandom rng) {
    return render(World.classic(), object, style, rng);
  }

  /** Renders (object, style) of a world. */
  public static float[] render(World w, int object, int style, SplittableRandom rng) {
    float[] out = new float[ToyWorld.PIXELS];
    render(object, w.style(style), Layout.sample(rng), out, 0);
    return out;
  }

  /** Renders n images (objects[i], styles[i]) of the classic world into one NCHW array. */
  static float[] renderBatch(int[] objects, int[] styles, SplittableRandom rng) {
    return renderBatch(World.classic(), objects, styles, rng);
  }

  /** Renders n images (objects[i], styles[i]) of a world into one NCHW array. */
  public static float[] renderBatch(World w, int[] objects, int[] styles, SplittableRandom rng) {
    float[] out = new float[objects.length * ToyWorld.PIXELS];
    for (int i = 0; i < objects.length; i++) {
      render(objects[i], w.style(styles[i]), Layout.sample(rng), out, i * ToyWorld.PIXELS);
    }
    return out;
  }

  /** Renders style index {@code style} of the classic world into out[offset ..) as CHW. */
  static void render(int object, int style, Layout l, float[] out, int offset) {
    render(object, World.classic().style(style), l, out, offset);
  }

  /** Renders the object in a style into out[offset .. offset + 3*32*32) as CHW. */
  static void render(int object, Style st, Layout l, float[] out, int offset) {
    ToyWorld.Shape shape = ToyWorld.Shape.values()[object];
    float[] ca = new float[3];
    float[] cb = new float[3];
    for (int c = 0; c < 3; c++) {
      ca[c] = clamp(st.colorA()[c] + l.jitterA()[c]);
      cb[c] = clamp(st.colorB()[c] + l.jitterB()[c]);
    }
    double rot = Math.toRadians(l.rotationDeg());
    double cr = Math.cos(rot);
    double sr = Math.sin(rot);
    double ta = Math.toRadians(st.angleDeg() + l.textureJitterDeg());
    double ct = Math.cos(ta);
    double stt = Math.sin(ta);
    double period = st.period() * l.periodScale();
    double duty = st.duty();
    double rays = Math.rint(st.period()); // SPOKES: the period is the number of rays
    int n = ToyWorld.SIZE;
    float inv = 1f / (SS * SS);
    for (int py = 0; py < n; py++) {
      for (int px = 0; px < n; px++) {
        float r = 0;
        float g = 0;
        float b = 0;
        for (int sy = 0; sy < SS; sy++) {
          for (int sx = 0; sx < SS; sx++) {
            double x = px + (sx + 0.5) / SS - l.cx();
            double y = py + (sy + 0.5) / SS - l.cy();
            // object frame: undo the rotation, unit radius
            double u = (cr * x + sr * y) / l.radius();
            double v = (-sr * x + cr * y) / l.radius();
            float[] c;
            if (inside(shape, u, v)) {
              double a = ct * x + stt * y;
              double bb = -stt * x + ct * y;
              c = texture(st.texture(), a, bb, x, y, period, duty, rays, l.phaseA(), l.phaseB()) ? cb : ca;
            } else {
              c = l.background();
            }
            r += c[0];
            g += c[1];
            b += c[2];
          }
        }
        int i = py * n + px;
        out[offset + i] = r * inv;
        out[offset + n * n + i] = g * inv;
        out[offset + 2 * n * n + i] = b * inv;
      }
    }
  }

  private static float clamp(float v) {
    return Math.max(0f, Math.min(1f, v));
  }

  private static double frac(double v) {
    return v - Math.floor(v);
  }

  /**
   * True where the texture shows colour B. (a, b): rotated texture coordinates; (x, y): offset from
   * the object centre; p: period (px); duty: share of colour B (DOTS: radius, GRID / CROSSHATCH: line
   * width, in periods; CHECKS: unused); rays: number of SPOKES; pa, pb: phases.
   */
  static boolean texture(ToyWorld.Texture t, double a, double b, double x, double y, double p, double duty, double rays,
      double pa, double pb) {
    switch (t) {
      case STRIPES:
      case THIN_STRIPES:
        return frac(a / p + pa) < duty;
      case CHECKS: {
        long i = (long) Math.floor(2 * a / p + 2 * pa);
        long j = (long) Math.floor(2 * b / p + 2 * pb);
        return ((i + j) & 1) == 0;
      }
      case DOTS: {
        double fa = frac(a / p + pa) - 0.5;
        double fb = frac(b / p + pb) - 0.5;
        return fa * fa + fb * fb < duty * duty;
      }
      case WAVES:
        return frac((a + 2.0 * Math.sin(2 * Math.PI * (b / 12.0 + pb))) / p + pa) < duty;
      case ZIGZAG: {
        double tri = 4 * Math.abs(frac(b / 8.0 + pb) - 0.5) - 1; // triangle wave in [-1, 1]
        return frac((a + 2.5 * tri) / p + pa) < duty;
      }
      case RINGS:
        return frac(Math.sqrt(x * x + y * y) / p + pa) < duty;
      case GRID:
      case CROSSHATCH:
        return frac(a / p + pa) < duty || frac(b / p + pb) < duty;
      case SPOKES:
        return frac(Math.atan2(b, a) / (2 * Math.PI) * rays + pa) < duty;
      case SPIRAL:
        return frac(Math.sqrt(x * x + y * y) / p + Math.atan2(b, a) / (2 * Math.PI) + pa) < duty;
      default:
        throw new IllegalArgumentException(t.toString());
    }
  }

  // star outline: 10 vertices, outer radius 1, inner 0.42, first point up
  private static final double[] STAR_X = new double[10];
  private static final double[] STAR_Y = new double[10];
  private static final double[] TRI_X = new double[3];
  private static final double[] TRI_Y = new double[3];

  static {
    for (int k = 0; k < 10; k++) {
      double ang = Math.toRadians(-90 + 36 * k);
      double r = (k % 2 == 0) ? 1.0 : 0.42;
      STAR_X[k] = r * Math.cos(ang);
      STAR_Y[k] = r * Math.sin(ang);
    }
    for (int k = 0; k < 3; k++) {
      double ang = Math.toRadians(-90 + 120 * k);
      TRI_X[k] = 1.08 * Math.cos(ang);
      TRI_Y[k] = 1.08 * Math.sin(ang) + 0.12; // centre the bounding box
    }
  }

  /** Shape membership in the object frame (unit radius, v pointing down). */
  static boolean inside(ToyWorld.Shape s, double u, double v) {
    switch (s) {
      case CIRCLE:
        return u * u + v * v < 0.86 * 0.86;
      case SQUARE:
        return Math.abs(u) < 0.76 && Math.abs(v) < 0.76;
      case TRIANGLE:
        return inPolygon(TRI_X, TRI_Y, u, v);
      case STAR:
        return inPolygon(STAR_X, STAR_Y, u, v);
      case CROSS:
        return (Math.abs(u) < 0.31 && Math.abs(v) < 0.95) || (Math.abs(v) < 0.31 && Math.abs(u) < 0.95);
      case HEART: {
        double hx = u * 1.25;
        double hy = -v * 1.25 + 0.125;
        double q = hx * hx + hy * hy - 1;
        return q * q * q - hx * hx * hy * hy * hy < 0;
      }
      default:
        throw new IllegalArgumentException(s.toString());
    }
  }

  private static boolean inPolygon(double[] xs, double[] ys, double x, double y) {
    boolean in = false;
    for (int i = 0, j = xs.length - 1; i < xs.length; j = i++) {
      if ((ys[i] > y) != (ys[j] > y) && x < (xs[j] - xs[i]) * (y - ys[i]) / (ys[j] - ys[i]) + xs[i]) in = !in;
    }
    return in;
  }
}
