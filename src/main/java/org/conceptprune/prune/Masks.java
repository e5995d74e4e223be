package org.conceptprune.prune;

import java.util.List;

/** Combining masks across UNet calls and concepts (ALGORITHM.md §4). */
public final class Masks {
  private Masks() {}

  /**
   * The vote over the t̂ UNet calls: M[p] = 1 iff #{t : M_t[p] = 1} > rho * t̂, rho in [0, 1);
   * rho = 0 is the plain union M = OR_t M_t.
   *
   * @param votes #{t : M_t[p] = 1}
   * @param calls t̂
   */
  public static boolean kept(int votes, int calls, double rho) {
    return votes > rho * calls;
  }

  /** Multi-concept erasure: M = OR_c M_c, layer by layer; every set must have the same layers. */
  public static MaskSet or(List<MaskSet> concepts) {
    if (concepts.isEmpty()) throw new IllegalArgumentException("no mask sets");
    MaskSet first = concepts.get(0);
    MaskSet out = new MaskSet();
    for (String layer : first.layers()) {
      LayerMask m = first.get(layer).copy();
      for (MaskSet c : concepts.subList(1, concepts.size())) {
        if (!c.contains(layer)) throw new IllegalArgumentException("mask set lacks layer " + layer);
        m.or(c.get(layer));
      }
      out.put(layer, m);
    }
    for (MaskSet c : concepts) {
      if (!c.layers().equals(first.layers())) {
        throw new IllegalArgumentException("mask sets cover different layers: " + first.layers() + " vs " + c.layers());
      }
    }
    return out;
  }

  /**
   * Jaccard similarity of two mask sets over the same layers, all layers pooled:
   * J = Σ_l |A_l ∩ B_l| / Σ_l |A_l ∪ B_l| (1 when both are empty).
   */
  public static double jaccard(MaskSet a, MaskSet b) {
    if (!a.layers().equals(b.layers())) {
      throw new IllegalArgumentException("mask sets cover different layers: " + a.layers() + " vs " + b.layers());
    }
    long inter = 0;
    long union = 0;
    for (String l : a.layers()) {
      long both = a.get(l).countAnd(b.get(l));
      inter += both;
      union += a.get(l).count() + b.get(l).count() - both;
    }
    return union == 0 ? 1 : (double) inter / union;
  }
}
