package org.conceptprune.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.conceptprune.prune.Fia;
import org.conceptprune.prune.FiaMethod;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.Masks;

/**
 * The toy experiment's FIA masks, from the same statistics pass as its ConceptPrune masks: one concept at
 * r2 chosen so it prunes as many weights as ConceptPrune, and groups of concepts fused at given settings
 * or at the r2 whose fused mask prunes as many weights as ConceptPrune's union.
 */
public final class ToyMethods {
  private ToyMethods() {}

  public static final double R1 = 0.05;
  /** The toy groups' "default" FIA settings: the r2 of the orientation run, FIA's object alpha. */
  static final double GROUP_R2 = 0.05;
  static final double ALPHA = 0.6;

  /** A mask and the r2 that made it. */
  public record Chosen(MaskSet mask, double r2) {}

  public static long count(MaskSet m) {
    return m.overall().pruned();
  }

  /**
   * The smallest r2 whose Q prunes at least {@code target} weights, or the one below it when that is
   * closer (Q only grows with r2: both top-k sets are nested under the fixed tie rule).
   */
  public static Chosen matched(Map<String, FiaMethod.LayerScore> scores, long target) {
    double lo = 0;
    double hi = 1;
    for (int i = 0; i < 40; i++) {
      double mid = (lo + hi) / 2;
      if (count(FiaMethod.select(scores, mid)) >= target) hi = mid;
      else lo = mid;
    }
    MaskSet above = FiaMethod.select(scores, hi);
    if (lo > 0) {
      MaskSet below = FiaMethod.select(scores, lo);
      if (target - count(below) < count(above) - target) return new Chosen(below, lo);
    }
    return new Chosen(above, hi);
  }

  /** FIA's fusion (paper rule) of the concepts' Q at one r2. */
  static MaskSet fused(List<Map<String, FiaMethod.LayerScore>> scores, double r2, double alpha) {
    List<MaskSet> q = new ArrayList<>();
    for (var s : scores) q.add(FiaMethod.select(s, r2));
    return new FiaMethod(R1, r2, Map.of(), alpha, Fia.Fusion.PAPER).combine(q);
  }

  /**
   * The fused mask closest in size to {@code target} on the rising side of a geometric grid of r2: fusion
   * is not monotone in r2 (past a point most selected weights are selected by τ or more concepts, counted
   * as agnostic and kept), so the scan stops at the first r2 that reaches the target; the grid point before
   * it is taken when closer. When no r2 reaches it, the largest fused mask.
   */
  static Chosen fusedMatched(List<Map<String, FiaMethod.LayerScore>> scores, long target, double alpha) {
    Chosen previous = null;
    Chosen largest = null;
    for (int i = 0; i <= 80; i++) {
      double r2 = Math.pow(10, -4 + 4.0 * i / 80);
      Chosen c = new Chosen(fused(scores, r2, alpha), r2);
      if (count(c.mask()) >= target) {
        boolean before = previous != null && target - count(previous.mask()) < count(c.mask()) - target;
        return before ? previous : c;
      }
      if (largest == null || count(c.mask()) > count(largest.mask())) largest = c;
      previous = c;
    }
    return largest;
  }

  /** ConceptPrune's union of the members' masks. */
  static MaskSet union(List<MaskSet> masks) {
    return Masks.or(masks);
  }
}
