package org.conceptprune.prune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The pruning masks of a model: layer name (e.g. "mid_block...ff.net.2") -> mask [out, in]. */
public final class MaskSet {
  /** |M_l| of numel(W_l) for one layer, or summed over all layers (ALGORITHM.md §5). */
  public record Density(String layer, long pruned, long total) {
    public double fraction() {
      return total == 0 ? 0 : (double) pruned / total;
    }

    @Override
    public String toString() {
      return String.format("%s: %d / %d = %.4f%%", layer, pruned, total, 100 * fraction());
    }
  }

  private final Map<String, LayerMask> masks = new TreeMap<>();

  public MaskSet put(String layer, LayerMask mask) {
    masks.put(layer, mask);
    return this;
  }

  public LayerMask get(String layer) {
    LayerMask m = masks.get(layer);
    if (m == null) throw new IllegalArgumentException("no mask for layer " + layer);
    return m;
  }

  public boolean contains(String layer) {
    return masks.containsKey(layer);
  }

  /** Layer names, sorted. */
  public Set<String> layers() {
    return Collections.unmodifiableSet(masks.keySet());
  }

  public Map<String, LayerMask> asMap() {
    return Collections.unmodifiableMap(masks);
  }

  /** Per layer: |M_l| / numel(W_l), in layer-name order. */
  public List<Density> density() {
    List<Density> d = new ArrayList<>();
    masks.forEach((name, m) -> d.add(new Density(name, m.count(), m.numel())));
    return d;
  }

  /** Over all masked layers: Σ|M_l| / Σ numel(W_l). */
  public Density overall() {
    long pruned = 0;
    long total = 0;
    for (LayerMask m : masks.values()) {
      pruned += m.count();
      total += m.numel();
    }
    return new Density("all layers", pruned, total);
  }

  /** |M| / (all parameters of the model), e.g. ~0.12% of SD-1.5's UNet at k = 2%. */
  public Density overall(long modelParameters) {
    return new Density("model", overall().pruned(), modelParameters);
  }
}
