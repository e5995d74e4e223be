package org.conceptprune.prune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.util.UserError;

/**
 * Forget-It-All ({@link Fia}): per concept the contrastive saliency of its per-prompt norms, integrated
 * over the t̂ calls and selected per row and per layer (Q); the concepts' Q are fused, keeping the
 * weights that at least τ concepts select ("concept-agnostic") and pruning those that 0 &lt; s &lt; τ select.
 * With several latent seeds a prompt's norm is the mean of its norms over the latents.
 *
 * @param r1 the fraction of a layer's weights above each call's threshold τ_t
 * @param r2 the default fraction kept per row and per layer
 * @param r2For per-concept r2 by concept name (case-insensitive)
 * @param alpha the agnostic fraction of the concepts
 */
public record FiaMethod(double r1, double r2, Map<String, Double> r2For, double alpha, Fia.Fusion fusion)
    implements ErasureMethod {
  public static final String NAME = "fia";

  public FiaMethod {
    checkFraction("--r1", r1);
    checkFraction("--r2", r2);
    checkFraction("--alpha", alpha);
    Map<String, Double> m = new TreeMap<>();
    r2For.forEach((k, v) -> {
      checkFraction("--r2-for " + k, v);
      m.put(k.toLowerCase(Locale.ROOT), v);
    });
    r2For = Map.copyOf(m);
  }

  /** r1, r2 and alpha lie in (0, 1]. */
  public static void checkFraction(String what, double v) {
    if (!(v > 0 && v <= 1)) throw new UserError(what + " must lie in (0, 1], got " + v);
  }

  /** Refuses settings that cannot prune anything or name no concept, before any model runs. */
  public void check(List<ConceptSpec> concepts) {
    for (String n : r2For.keySet()) {
      if (concepts.stream().noneMatch(c -> c.name().toLowerCase(Locale.ROOT).equals(n))) {
        throw new UserError("--r2-for names '" + n + "', which is none of the --concept values "
            + concepts.stream().map(ConceptSpec::name).toList());
      }
    }
    if (fusion.tau(alpha, concepts.size()) <= 1) {
      throw new UserError("--fusion reference with " + concepts.size() + " concept(s) and alpha " + alpha + " gives tau = "
          + fusion.tau(alpha, concepts.size()) + ": every selected weight counts as concept-agnostic and nothing would be"
          + " pruned (the released code's quirk); use --fusion paper (tau >= 2) or more concepts");
    }
  }

  public double r2Of(ConceptSpec c) {
    return r2For.getOrDefault(c.name().toLowerCase(Locale.ROOT), r2);
  }

  @Override
  public String cliName() {
    return NAME;
  }

  @Override
  public boolean needsPerPrompt() {
    return true;
  }

  @Override
  public MaskSet conceptMask(PruneStats stats, WeightSource weights, ConceptSpec c, int tHat) {
    return select(scores(stats, weights, c.name(), tHat, r1), r2Of(c));
  }

  /** One layer's time-integrated score A, [out, in] row-major. */
  public record LayerScore(double[] a, int out, int in) {}

  /** A of every layer (independent of r2, so an r2 sweep computes it once). */
  public static java.util.Map<String, LayerScore> scores(PruneStats stats, WeightSource weights, String concept, int tHat,
      double r1) {
    if (!stats.hasPerPrompt()) {
      throw new UserError("the statistics of '" + concept + "' hold no per-prompt sums; FIA needs them: recompute with --method fia");
    }
    int seeds = Integer.parseInt(stats.metadata().getOrDefault("latent_seeds", "1"));
    java.util.Map<String, LayerScore> out = new TreeMap<>();
    for (String layer : stats.layers()) {
      PruneStats.PerPrompt pp = stats.perPrompt(layer);
      if (tHat > pp.calls()) {
        throw new UserError("t̂ = " + tHat + " but the statistics of layer " + layer + " hold only " + pp.calls() + " UNet calls");
      }
      LayerWeight w = weights.weight(layer);
      if (w.in() != pp.in()) {
        throw new UserError("layer " + layer + ": weight is [" + w.out() + ", " + w.in() + "] but the statistics have "
            + pp.in() + " input columns");
      }
      double[][] contrasts = new double[tHat][];
      for (int t = 0; t < tHat; t++) contrasts[t] = Fia.contrast(norms(pp, true, t, seeds), norms(pp, false, t, seeds));
      out.put(layer, new LayerScore(Fia.integrate(w.w(), w.out(), w.in(), contrasts, r1).a(), w.out(), w.in()));
    }
    return out;
  }

  /** Q of every layer at r2. */
  public static MaskSet select(java.util.Map<String, LayerScore> scores, double r2) {
    MaskSet out = new MaskSet();
    scores.forEach((layer, s) -> out.put(layer, Fia.select(s.a(), s.out(), s.in(), r2)));
    return out;
  }

  /** Each prompt's column norms at call t, [prompts][in], averaged over the latent seeds. */
  static double[][] norms(PruneStats.PerPrompt pp, boolean target, int t, int seeds) {
    if (pp.runs() % seeds != 0) throw new UserError("per-prompt statistics of " + pp.runs() + " runs are not " + seeds + " latents x prompts");
    int prompts = pp.runs() / seeds;
    double[][] out = new double[prompts][pp.in()];
    for (int r = 0; r < pp.runs(); r++) {
      double[] n = pp.norms(target, r, t);
      double[] acc = out[r % prompts];
      for (int j = 0; j < n.length; j++) acc[j] += n[j] / seeds;
    }
    return out;
  }

  @Override
  public MaskSet combine(List<MaskSet> perConcept) {
    int tau = fusion.tau(alpha, perConcept.size());
    MaskSet out = new MaskSet();
    for (String layer : perConcept.get(0).layers()) {
      LayerMask[] q = perConcept.stream().map(m -> m.get(layer)).toArray(LayerMask[]::new);
      out.put(layer, Fia.fuse(q, tau));
    }
    return out;
  }

  @Override
  public Map<String, Object> settings(int concepts) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", NAME);
    m.put("r1", r1);
    m.put("r2", r2);
    m.put("alpha", alpha);
    m.put("fusion", fusion.cliName);
    m.put("tau", fusion.tau(alpha, concepts));
    return m;
  }

  @Override
  public Map<String, Object> conceptSettings(ConceptSpec c) {
    return Map.of("r2", r2Of(c));
  }
}
