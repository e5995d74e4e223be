package org.conceptprune.prune;

import java.util.List;
import java.util.Map;

/**
 * The erasure-method seam of {@code prune} and {@code mask}: what statistics a method needs, one
 * concept's mask from its statistics, and how the concepts' masks combine. ConceptPrune (union) and FIA
 * (fusion) implement it; a new method is one more implementation plus its options.
 */
public interface ErasureMethod {
  /** The method's name in patches, reports and {@code --method}. */
  String cliName();

  /** Whether the statistics pass must keep every prompt's own sums ({@link PruneStats.PerPrompt}). */
  boolean needsPerPrompt();

  /**
   * Concept c's mask from its statistics, with the first {@code tHat} UNet calls.
   *
   * @param weights the probed layers' weights, fetched one layer at a time
   */
  MaskSet conceptMask(PruneStats stats, WeightSource weights, ConceptSpec c, int tHat);

  /** The erased set of all concepts from their masks (in the order of the concepts). */
  MaskSet combine(List<MaskSet> perConcept);

  /** Every method-wide setting that changes the masks (patches and reports carry them). */
  Map<String, Object> settings(int concepts);

  /** The settings of one concept that change its mask (k, r2, ...). */
  Map<String, Object> conceptSettings(ConceptSpec c);
}
