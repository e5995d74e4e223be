package org.conceptprune.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.prune.ConceptFamily;
import org.conceptprune.prune.ConceptPruneMethod;
import org.conceptprune.prune.ConceptSpec;
import org.conceptprune.prune.ErasureMethod;
import org.conceptprune.prune.Fia;
import org.conceptprune.prune.FiaMethod;
import org.conceptprune.prune.FiaPrompts;
import org.conceptprune.prune.Variant;
import picocli.CommandLine.Option;

/** Mixin: the settings of the erasure method that turn statistics into masks (ConceptPrune's or FIA's). */
public final class MethodOptions {
  @Option(names = "--rho", paramLabel = "R", defaultValue = "0", description = "conceptprune: vote threshold, keep a weight pruned only if skilled in more than R*t̂ calls (default 0: the plain OR).")
  double rho;

  @Option(names = "--unskilled", description = "conceptprune: select the unskilled neurons instead (the paper's disentanglement control).")
  boolean unskilled;

  @Option(names = "--r1", paramLabel = "R", description = "fia: fraction of a layer's weights above each call's saliency threshold (default 0.05).")
  Double r1;

  @Option(names = "--r2", paramLabel = "R", description = "fia: fraction kept per row and per layer (default: the family's, object 0.007, art-style 0.02, nudity 0.01).")
  Double r2;

  @Option(names = "--r2-for", paramLabel = "NAME=R", description = "fia: r2 of one concept (repeatable; defaults: parachute, golf ball, gas pump, Van Gogh 0.03).")
  Map<String, Double> r2For = new LinkedHashMap<>();

  @Option(names = "--alpha", paramLabel = "A", description = "fia: a weight selected by at least tau = ceil(alpha*C) concepts is concept-agnostic and kept (default: art-style 0.8, others 0.6).")
  Double alpha;

  @Option(names = "--fusion", paramLabel = "RULE", defaultValue = "paper",
      description = "fia: paper (tau = max(2, ceil(alpha*C)), default) or reference (tau = ceil(alpha*C) as the released code: with one concept tau = 1 and nothing would be pruned, so it is refused).")
  String fusion;

  /** The method with the first concept's family defaults where an option is not given. */
  ErasureMethod build(MethodKind kind, List<ConceptSpec> specs) {
    List<String> conceptPruneOptions = new java.util.ArrayList<>();
    if (rho != 0) conceptPruneOptions.add("--rho");
    if (unskilled) conceptPruneOptions.add("--unskilled");
    kind.refuseOthersOptions(r1 != null || r2 != null || alpha != null || !r2For.isEmpty(), conceptPruneOptions);
    if (kind == MethodKind.CONCEPTPRUNE) return new ConceptPruneMethod(rho, Variant.of(unskilled));
    ConceptFamily family = specs.get(0).family();
    Map<String, Double> perConcept = new LinkedHashMap<>(FiaPrompts.r2Overrides(family));
    perConcept.keySet().removeIf(n -> specs.stream().noneMatch(c -> c.name().equalsIgnoreCase(n)));
    perConcept.putAll(r2For);
    FiaMethod m = new FiaMethod(r1 != null ? r1 : FiaPrompts.R1, r2 != null ? r2 : FiaPrompts.defaultR2(family), perConcept,
        alpha != null ? alpha : FiaPrompts.defaultAlpha(family), Fia.Fusion.fromCli(fusion));
    m.check(specs);
    return m;
  }
}
