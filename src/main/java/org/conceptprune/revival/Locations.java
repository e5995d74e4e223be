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
 *   <li>{@code PATCH}: the masks of a mask patch.
 * </ul>
 *
 * Ties in |W| go to the smaller index.
 */
public record Locations(Kind kind, double fraction, Path patch) {
  public enum Kind { ZEROS, BOTTOM, ROW_BOTTOM, PATCH }

  public static final Locations ZEROS = new Locations(Kind.ZEROS, 0, null);

  public static Locations parse(String spec) {
    if (spec == null || spec.equals("zeros")) return ZEROS;
    for (Kind k : new Kind[] {Kind.BOTTOM, Kind.ROW_BOTTOM}) {
      String prefix = k == Kind.BOTTOM ? "bottom:" : "row-bottom:";
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
      case BOTTOM -> "bottom:" + fmt(fraction);
      case ROW_BOTTOM -> "row-bottom:" + fmt(fraction);
      case PATCH -> patch.toString();
    };
  }

  /** The candidate sets of {@code bottom:F} / {@code row-bottom:F} (not for zeros or a patch). */
  public Map<String, LayerMask> bottom(Map<String, LayerWeight> weights) {
    if (kind != Kind.BOTTOM && kind != Kind.ROW_BOTTOM) throw new IllegalStateException(kind + " is not a bottom-|W| set");
    Map<String, LayerMask> out = new TreeMap<>(Revival.ORDER);
    weights.forEach((layer, w) -> out.put(layer, kind == Kind.BOTTOM ? bottomOfLayer(w, fraction) : bottomOfRows(w, fraction)));
    return out;
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
