package org.conceptprune.prune;

import java.util.List;

/**
 * The vote over per-call masks written the slow way, mask by mask: the reference that
 * {@link SkilledNeurons#vote}, which votes row by row without materialising M_t, is checked against.
 */
final class CallUnion {
  private CallUnion() {}

  static LayerMask union(List<LayerMask> perCall) {
    return union(perCall, 0.0);
  }

  static LayerMask union(List<LayerMask> perCall, double rho) {
    if (!(rho >= 0 && rho < 1)) throw new IllegalArgumentException("rho must lie in [0, 1), got " + rho);
    LayerMask first = perCall.get(0);
    int[] votes = new int[first.numel()]; // [out * in]
    for (LayerMask mt : perCall) {
      first.requireSameShape(mt);
      for (int p = mt.nextSetBit(0); p >= 0; p = mt.nextSetBit(p + 1)) votes[p]++;
    }
    LayerMask m = new LayerMask(first.out(), first.in());
    for (int p = 0; p < votes.length; p++) if (Masks.kept(votes[p], perCall.size(), rho)) m.set(p);
    return m;
  }
}
