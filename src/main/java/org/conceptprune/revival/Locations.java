package org.conceptprune.revival;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.util.UserError;

/**
 * Where the revival looks for cut weights ({@code --locations}):
 *
 * <ul>
 *   <li>{@code zeros}: the exact zeros (the paper's attack);
 *   <li>{@code bottom:F}: per layer the {@code round(F · numel)} smallest |W| (the adaptive attacker
 *       against a defense that hides the zeros: pruned positions given small values sit at the bottom);
 *   <li>{@code row-bottom:F}: per row the {@code round(F · in)} smallest |W|;
 *   <li>{@code row-top:F}: per row the {@code round(F · in)} largest |W| (the adaptive attacker against a defense
 *       that keeps the cut weights large, e.g. flipped);
 *   <li>{@code PATCH}: the masks of a mask patch.
 * </ul>
 *
 * Ties in |W| go to the smaller index.
 */
public record Locations(Kind kind, double fraction, Path patch) {
  public enum Kind { ZEROS, BOTTOM, ROW_BOTTOM, ROW_TOP, PATCH }

  public static final Locations ZEROS = new Locations(Kind.ZEROS, 0, null);

  public static Locations parse(String spec) {
    if (spec == null || spec.equals("zeros")) return ZEROS;
    for (Kind k : new Kind[] {Kind.BOTTOM, Kind.ROW_BOTTOM, Kind.ROW_TOP}) {
      String prefix = prefix(k);
      if (spec.startsWith(prefix)) {
        double f;
        try {
          f = Double.parseDouble(spec.substring(prefix.length()));
        } catch (NumberFormatException e) {
          throw new UserError("--locations " + spec + ": expected " + prefix + "F with a fraction F in (0, 1), e.g. " + prefix + "0.1");
        }
        if (!(f > 0 && f < 1)) throw new UserError("--locations " + spec + ": the fraction must be in (0, 1), got " + f);
        return new Locations(k, f, null);
      }
    }
    return new Locations(Kind.PATCH, 0, Path.of(spec));
  }

  /** As given on the command line. */
  public String describe() {
    return switch (kind) {
      case ZEROS -> "zeros";
      case BOTTOM, ROW_BOTTOM, ROW_TOP -> prefix(kind) + fmt(fraction);
      case PATCH -> patch.toString();
    };
  }

  private static String prefix(Kind k) {
    return switch (k) {
      case BOTTOM -> "bottom:";
      case ROW_BOTTOM -> "row-bottom:";
      case ROW_TOP -> "row-top:";
      default -> throw new IllegalArgumentException(k.name());
    };
  }

  /** The candidate sets of {@code bottom:F} / {@code row-bottom:F} / {@code row-top:F} (not for zeros or a patch). */
  public Map<String, LayerMask> bottom(Map<String, LayerWeight> weights) {
    Map<String, LayerMask> out = new TreeMap<>(Revival.ORDER);
    weights.forEach((layer, w) -> out.put(layer, switch (kind) {
      case BOTTOM -> bottomOfLayer(w, fraction);
      case ROW_BOTTOM -> bottomOfRows(w, fraction);
      case ROW_TOP -> topOfRows(w, fraction);
      default -> throw new IllegalStateException(kind + " is not a |W| set");
    }));
    return out;
  }

  /** Per row the round(f · in) largest |W|, ties to the smaller index. */
  public static LayerMask topOfRows(LayerWeight w, double f) {
    float[] neg = new float[w.w().length];
    for (int p = 0; p < neg.length; p++) neg[p] = Float.intBitsToFloat(0x7f7fffff - Float.floatToRawIntBits(Math.abs(w.w()[p])));
    return bottomOfRows(new LayerWeight(neg, w.out(), w.in()), f);
  }

  /** The round(f · numel) smallest |W| of the layer. */
  public static LayerMask bottomOfLayer(LayerWeight w, double f) {
    LayerMask m = new LayerMask(w.out(), w.in());
    int n = (int) Math.round(f * w.w().length);
    for (int p : smallest(w.w(), 0, w.w().length, n)) m.set(p);
    return m;
  }

  /** Per row the round(f · in) smallest |W|. */
  public static LayerMask bottomOfRows(LayerWeight w, double f) {
    LayerMask m = new LayerMask(w.out(), w.in());
    int n = (int) Math.round(f * w.in());
    for (int i = 0; i < w.out(); i++) for (int p : smallest(w.w(), i * w.in(), w.in(), n)) m.set(p);
    return m;
  }

  /** Indices (into v) of the n smallest |v[from .. from+len)|, ties to the smaller index. */
  static int[] smallest(float[] v, int from, int len, int n) {
    n = Math.min(n, len);
    long[] keys = new long[len];
    for (int j = 0; j < len; j++) {
      // |v| as its (non-negative) float bits sorts like the value; the index breaks ties
      keys[j] = ((long) Float.floatToRawIntBits(Math.abs(v[from + j])) << 32) | j;
    }
    Arrays.sort(keys);
    int[] out = new int[n];
    for (int j = 0; j < n; j++) out[j] = from + (int) (keys[j] & 0xFFFFFFFFL);
    return out;
  }

  private static String fmt(double f) {
    String s = String.format(Locale.ROOT, "%.6g", f);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }
}
