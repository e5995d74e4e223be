package org.conceptprune.prune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ConceptPrune (ALGORITHM.md): skilled neurons per call, voted over the t̂ calls (rho = 0: OR), united
 * over the concepts.
 *
 * @param rho vote threshold
 * @param variant skilled (the method) or unskilled (the paper's control)
 */
public record ConceptPruneMethod(double rho, Variant variant) implements ErasureMethod {
  public static final String NAME = "conceptprune";

  @Override
  public String cliName() {
    return NAME;
  }

  @Override
  public boolean needsPerPrompt() {
    return false;
  }

  @Override
  public MaskSet conceptMask(PruneStats stats, WeightSource weights, ConceptSpec c, int tHat) {
    return stats.maskFor(weights, c.k(), tHat, rho, variant);
  }

  @Override
  public MaskSet combine(List<MaskSet> perConcept) {
    return Masks.or(perConcept);
  }

  @Override
  public Map<String, Object> settings(int concepts) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", NAME); // patches before FIA carried no "method": those are ConceptPrune's too
    m.put("rho", rho);
    m.put("variant", variant.cliName);
    return m;
  }

  @Override
  public Map<String, Object> conceptSettings(ConceptSpec c) {
    return Map.of("k", c.k());
  }
}
