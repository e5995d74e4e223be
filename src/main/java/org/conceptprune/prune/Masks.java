package org.conceptprune.prune;

import java.util.List;

/** Combining masks across UNet calls and concepts (ALGORITHM.md §4). */
public final class Masks {
  private Masks() {}

  /** M = OR_t M_t: the plain union (vote threshold rho = 0). */
  public static LayerMask union(List<LayerMask> perCall) {
    return union(perCall, 0.0);
  }

  /**
   * Vote over the t̂ = perCall.size() calls: M[p] = 1 iff #{t : M_t[p] = 1} > rho * t̂.
   * rho = 0 is the plain OR; rho in [0, 1).
   */
  public static LayerMask union(List<LayerMask> perCall, double rho) {
    if (perCall.isEmpty()) throw new IllegalArgumentException("no masks to unite");
    if (!(rho >= 0 && rho < 1)) throw new IllegalArgumentException("rho must lie in [0, 1), got " + rho);
    LayerMask first = perCall.get(0);
    if (rho == 0) {
      LayerMask m = first.copy();
      for (int t = 1; t < perCall.size(); t++) m.or(perCall.get(t));
      return m;
    }
    double threshold = rho * perCall.size();
    int[] votes = new int[first.numel()]; // [out * in]
    for (LayerMask mt : perCall) {
      first.requireSameShape(mt);
      for (int p = mt.nextSetBit(0); p >= 0; p = mt.nextSetBit(p + 1)) votes[p]++;
    }
    LayerMask m = new LayerMask(first.out(), first.in());
    for (int p = 0; p < votes.length; p++) if (votes[p] > threshold) m.set(p);
    return m;
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
}
