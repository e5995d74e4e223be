package org.conceptprune.conceal;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.revival.Revival;
import org.conceptprune.util.UserError;

/**
 * Defenses against the revival attack on a pruned model: they keep the erasure and change what the
 * zeros reveal. Each works on weights in memory (layer -> [out, in]) with the pruning mask given; the
 * input weights are not modified.
 *
 * <ul>
 *   <li>{@link #decoys}: also zero the globally smallest-|W| ff.net.2 weights, so the concept's weights
 *       are only a fraction of all zeros;
 *   <li>{@link #noise}: give every pruned position a small value from the empirical distribution of its
 *       row's bottom-q |W| quantile with a random sign, so no exact zero is left;
 *   <li>{@link #flip}: negate every pruned weight instead of zeroing it (same magnitudes, opposite signs), so the
 *       cut positions are neither zeros nor small.
 * </ul>
 */
public final class Concealment {
  private Concealment() {}

  /** @param weights the concealed weights; @param changed per layer the positions that differ from the unpruned model */
  public record Concealed(Map<String, float[]> weights, Map<String, LayerMask> changed, long pruned, long decoys, long skippedRows) {}

  /** The weights with the mask's positions set to +0.0 (the plain pruned model), in {@link Revival#ORDER}. */
  static Map<String, float[]> pruned(Map<String, LayerWeight> weights, Map<String, LayerMask> mask) {
    Map<String, float[]> out = new TreeMap<>(Revival.ORDER);
    weights.forEach((layer, w) -> {
      float[] v = w.w().clone();
      LayerMask m = mask.get(layer);
      if (m != null) m.applyTo(v);
      out.put(layer, v);
    });
    return out;
  }

  /**
   * Decoys: zero the {@code D = ceil(M / share) − M} smallest |W| outside the mask over all layers (M = the
   * mask's weights), ties to the earlier layer (in {@link Revival#ORDER}) and the smaller index.
   *
   * @param share the concept's share of all zeros afterwards, in (0, 1]
   */
  public static Concealed decoys(Map<String, LayerWeight> weights, Map<String, LayerMask> mask, double share) {
    if (!(share > 0 && share <= 1)) throw new UserError("--share must be in (0, 1], got " + share);
    Map<String, float[]> out = pruned(weights, mask);
    long m = count(mask);
    long d = (long) Math.ceil(m / share - 1e-9) - m;
    long available = 0;
    for (var e : out.entrySet()) available += e.getValue().length - countOf(mask.get(e.getKey()));
    if (d > available) throw new UserError("--share " + share + " asks for " + d + " decoys but only " + available + " ff.net.2 weights are left");
    float[] all = new float[(int) available];
    int n = 0;
    for (var e : out.entrySet()) {
      LayerMask lm = mask.get(e.getKey());
      float[] v = e.getValue();
      for (int p = 0; p < v.length; p++) if (lm == null || !lm.get(p)) all[n++] = Math.abs(v[p]);
    }
    Arrays.sort(all);
    float t = d == 0 ? -1f : all[(int) d - 1];
    long below = 0;
    for (float a : all) if (a < t) below++; else break;
    long equalLeft = d - below; // how many weights of |W| == t become decoys, in order
    Map<String, LayerMask> changed = new TreeMap<>(Revival.ORDER);
    for (var e : out.entrySet()) {
      LayerWeight w = weights.get(e.getKey());
      LayerMask lm = mask.get(e.getKey());
      LayerMask c = lm == null ? new LayerMask(w.out(), w.in()) : lm.copy();
      float[] v = e.getValue();
      for (int p = 0; p < v.length; p++) {
        if (lm != null && lm.get(p)) continue;
        float a = Math.abs(v[p]);
        boolean take = a < t || (a == t && equalLeft > 0);
        if (!take) continue;
        if (a == t) equalLeft--;
        v[p] = 0f;
        c.set(p);
      }
      changed.put(e.getKey(), c);
    }
    return new Concealed(out, changed, m, d, 0);
  }

  /**
   * Noise fill: each pruned position of row i takes a magnitude drawn from the empirical quantile function
   * of the row's surviving |W| on [0, q] (linear between the sorted values), at least the smallest positive
   * surviving |W| of the row, with a random sign; one seeded generator runs over the layers in
   * {@link Revival#ORDER} and the rows in order. A row with no surviving weight stays zero (counted).
   *
   * @param q the quantile, in (0, 1]
   */
  public static Concealed noise(Map<String, LayerWeight> weights, Map<String, LayerMask> mask, double q, long seed) {
    if (!(q > 0 && q <= 1)) throw new UserError("--quantile must be in (0, 1], got " + q);
    Map<String, float[]> out = pruned(weights, mask);
    SplittableRandom rng = new SplittableRandom(seed);
    long skipped = 0;
    Map<String, LayerMask> changed = new TreeMap<>(Revival.ORDER);
    for (var e : out.entrySet()) {
      LayerMask lm = mask.get(e.getKey());
      if (lm == null || lm.count() == 0) continue;
      changed.put(e.getKey(), lm.copy());
      LayerWeight w = weights.get(e.getKey());
      float[] v = e.getValue();
      float[] row = new float[w.in()];
      for (int i = 0; i < w.out(); i++) {
        int base = i * w.in();
        int n = 0;
        float minPositive = Float.MAX_VALUE;
        for (int j = 0; j < w.in(); j++) {
          if (lm.get(base + j)) continue;
          float a = Math.abs(v[base + j]);
          row[n++] = a;
          if (a > 0 && a < minPositive) minPositive = a;
        }
        boolean hasPruned = false;
        for (int j = 0; j < w.in() && !hasPruned; j++) hasPruned = lm.get(base + j);
        if (!hasPruned) continue;
        if (n == 0 || minPositive == Float.MAX_VALUE) {
          skipped++;
          continue;
        }
        Arrays.sort(row, 0, n);
        double top = q * (n - 1); // the q-quantile's position among the sorted survivors
        for (int j = 0; j < w.in(); j++) {
          if (!lm.get(base + j)) continue;
          double x = rng.nextDouble() * top;
          int lo = (int) Math.floor(x);
          int hi = Math.min(lo + 1, n - 1);
          float mag = (float) (row[lo] + (x - lo) * (row[hi] - row[lo]));
          if (!(mag >= minPositive)) mag = minPositive;
          v[base + j] = rng.nextBoolean() ? mag : -mag;
        }
      }
    }
    return new Concealed(out, changed, count(mask), 0, skipped);
  }

  /** Flip: every pruned position takes −W (a weight that was 0 stays 0); nothing else changes. */
  public static Concealed flip(Map<String, LayerWeight> weights, Map<String, LayerMask> mask) {
    Map<String, float[]> out = new TreeMap<>(Revival.ORDER);
    Map<String, LayerMask> changed = new TreeMap<>(Revival.ORDER);
    weights.forEach((layer, w) -> {
      float[] v = w.w().clone();
      LayerMask m = mask.get(layer);
      if (m != null) {
        for (int p = m.nextSetBit(0); p >= 0; p = m.nextSetBit(p + 1)) v[p] = v[p] == 0f ? 0f : -v[p];
        changed.put(layer, m.copy());
      }
      out.put(layer, v);
    });
    return new Concealed(out, changed, count(mask), 0, 0);
  }

  static long count(Map<String, LayerMask> mask) {
    return mask.values().stream().mapToLong(LayerMask::count).sum();
  }

  private static long countOf(LayerMask m) {
    return m == null ? 0 : m.count();
  }
}
