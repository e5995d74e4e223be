package org.conceptprune.revival;

import java.util.Arrays;
import org.conceptprune.prune.LayerMask;

/** Steps 1b and 2 of REVIVAL.md: the CSV hop to float32 and top-k sign retention. */
public final class SignRetention {
  private SignRetention() {}

  /**
   * @param s [m, n]: C32 with the dropped locations set to +0.0
   * @param k the number of smallest |values| the rule drops (ties may drop more)
   * @param threshold t, the k-th smallest |value| (NaN when nothing is dropped)
   */
  public record Retained(float[] s, int k, float threshold, long dropped) {}

  /** C32 = (float) C64: round to nearest, ties to even (the repo's float64 text read into float32). */
  public static float[] toFloat32(double[] c64) {
    float[] c = new float[c64.length];
    for (int i = 0; i < c.length; i++) c[i] = (float) c64[i];
    return c;
  }

  /**
   * k = (int)((1.0 − r) · n) in IEEE double, as the repo computes it: for r = 0.8, 1 − r =
   * 0.19999999999999996, so n = 50 gives 9, not 10.
   */
  static int kCount(double topRatio, int n) {
    return (int) ((1.0 - topRatio) * n);
  }

  /**
   * S = C32, with every location whose |C32| ≤ t set to +0.0, t = the k-th smallest |C32| over the
   * locations (counting repeats): every tie at t goes too. n = 0 or k = 0 drops nothing.
   */
  public static Retained retain(float[] c32, LayerMask locations, double topRatio) {
    float[] s = c32.clone();
    int n = (int) locations.count();
    float[] a = new float[n];
    int i = 0;
    for (int p = locations.nextSetBit(0); p >= 0; p = locations.nextSetBit(p + 1)) a[i++] = Math.abs(c32[p]);
    int k = kCount(topRatio, n);
    if (n == 0 || k == 0) return new Retained(s, k, Float.NaN, 0);
    Arrays.sort(a);
    float t = a[k - 1];
    long dropped = 0;
    for (int p = locations.nextSetBit(0); p >= 0; p = locations.nextSetBit(p + 1)) {
      if (Math.abs(c32[p]) <= t) {
        s[p] = 0f;
        dropped++;
      }
    }
    return new Retained(s, k, t, dropped);
  }
}
