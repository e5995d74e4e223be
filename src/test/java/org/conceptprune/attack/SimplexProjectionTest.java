package org.conceptprune.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The simplex projection on cases worked by hand, and against the reference's bisection. */
class SimplexProjectionTest {
  static float[] proj(float... a) {
    float[] c = a.clone();
    SimplexProjection.project(c, 0, c.length);
    return c;
  }

  @Test
  void handCases() {
    // already on the simplex: unchanged
    assertArrayEquals(new float[] {0.25f, 0.75f}, proj(0.25f, 0.75f), 1e-7f);
    assertArrayEquals(new float[] {1f, 0f, 0f}, proj(1f, 0f, 0f), 1e-7f);
    // a uniform shift is removed: (0.2, 0.2) - (-0.3) = (0.5, 0.5)
    assertArrayEquals(new float[] {0.5f, 0.5f}, proj(0.2f, 0.2f), 1e-7f);
    assertArrayEquals(new float[] {0.5f, 0.5f}, proj(3f, 3f), 1e-7f);
    // theta = (2 + 1 - 1) / 2 = 1: (1, 0), the third entry clipped
    assertArrayEquals(new float[] {1f, 0f, 0f}, proj(2f, 1f, -1f), 1e-7f);
    // theta = (1 + 0.5 + 0.3 - 1) / 3 = 0.2667: (0.7333, 0.2333, 0.0333)
    assertArrayEquals(new float[] {0.73333f, 0.23333f, 0.03333f}, proj(1f, 0.5f, 0.3f), 1e-5f);
    // theta = (1 + 0.5 - 1) / 2 = 0.25 ; 0.1 - 0.25 < 0 so it stays out: (0.75, 0.25, 0)
    assertArrayEquals(new float[] {0.75f, 0.25f, 0f}, proj(1f, 0.5f, 0.1f), 1e-6f);
    // one entry far ahead: the vertex
    assertArrayEquals(new float[] {0f, 1f, 0f, 0f}, proj(-5f, 9f, 2f, 0f), 1e-7f);
    // negatives only: theta = (-1 + -2 - 1)/2 = -2 ; (-1 + 2, -2 + 2) = (1, 0)
    assertArrayEquals(new float[] {1f, 0f}, proj(-1f, -2f), 1e-7f);
    // a single entry is always 1
    assertArrayEquals(new float[] {1f}, proj(-7f), 0f);
  }

  @Test
  void rowsAreProjectedIndependently() {
    float[] a = {0.2f, 0.2f, 2f, 1f};
    SimplexProjection.projectRows(a, 2, 2);
    assertArrayEquals(new float[] {0.5f, 0.5f, 1f, 0f}, a, 1e-7f);
  }

  /** TextGrad.bisection of the reference (eps = 1, ub = 1, xi = 1e-5), in doubles. */
  static double[] bisection(double[] a) {
    double xi = 1e-5;
    double s = 0;
    for (double x : a) s += clip(x, 0, 1);
    if (Math.abs(s - 1) <= xi) {
      double[] out = new double[a.length];
      for (int i = 0; i < a.length; i++) out[i] = clip(a[i], 0, 1);
      return out;
    }
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (double x : a) {
      lo = Math.min(lo, x - 1);
      hi = Math.max(hi, x);
    }
    double mu = 0;
    while (Math.abs(hi - lo) > xi) {
      mu = (hi + lo) / 2;
      double g = sumClip(a, mu) - 1;
      double gl = sumClip(a, lo) - 1 + 1e-8;
      double gu = sumClip(a, hi) - 1;
      if (g == 0) break;
      if (gl == 0) {
        mu = lo;
        break;
      }
      if (gu == 0) {
        mu = hi;
        break;
      }
      if (g * gl < 0) hi = mu;
      else if (g * gu < 0) lo = mu;
      else throw new IllegalStateException();
    }
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) out[i] = clip(a[i] - mu, 0, 1);
    return out;
  }

  static double sumClip(double[] a, double mu) {
    double s = 0;
    for (double x : a) s += clip(x - mu, 0, 1);
    return s;
  }

  static double clip(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }

  @Test
  void agreesWithTheReferenceBisection() {
    SplittableRandom r = new SplittableRandom(1);
    double worst = 0;
    for (int trial = 0; trial < 50; trial++) {
      int n = 2 + r.nextInt(900);
      float[] a = new float[n];
      double[] d = new double[n];
      for (int i = 0; i < n; i++) {
        // a step of Adam away from the uniform point, as during the attack
        a[i] = (float) (1.0 / n + 0.01 * r.nextGaussian());
        d[i] = a[i];
      }
      SimplexProjection.project(a, 0, n);
      double[] ref = bisection(d);
      double sum = 0;
      for (int i = 0; i < n; i++) {
        worst = Math.max(worst, Math.abs(a[i] - ref[i]));
        sum += a[i];
        if (a[i] < 0) throw new AssertionError("negative entry");
      }
      assertEquals(1.0, sum, 1e-4);
    }
    System.out.printf(java.util.Locale.ROOT, "[simplex] max |sort-based - bisection| over 50 vectors: %.2e%n", worst);
    assertEquals(0.0, worst, 1e-5); // the bisection stops within 1e-5 of mu
  }
}
