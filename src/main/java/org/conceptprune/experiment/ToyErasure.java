package org.conceptprune.experiment;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.conceptprune.nn.Linear;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.ActivationStats;
import org.conceptprune.prune.Aggregation;
import org.conceptprune.prune.ConceptFamily;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ModelWeights;
import org.conceptprune.prune.ProbeSite;
import org.conceptprune.prune.PruneStats;
import org.conceptprune.prune.Pruner;
import org.conceptprune.prune.StatsSettings;
import org.conceptprune.prune.Variant;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyEval.Item;
import org.conceptprune.toy.ToyEval.Judged;
import org.conceptprune.toy.ToyEval.Sampling;
import org.conceptprune.toy.ToyJudge;
import org.conceptprune.toy.World;
import org.conceptprune.util.Progress;

/**
 * ConceptPrune on the toy world: a concept's statistics over its calibration prompts, its masks,
 * random masks with the same per-layer counts, the all-of-a-layer masks of the ablations, and
 * {@link ToyEval#run} with a mask applied. The toy package supplies the model, judge and prompt sets;
 * this class is what prunes it.
 */
public final class ToyErasure {
  private ToyErasure() {}

  /** {@link ToyEval#calibration(World, boolean, int)} as ConceptPrune's calibration prompts. */
  static ConceptFamily.Prompts calibration(World w, boolean style, int c) {
    ToyEval.Calibration cal = ToyEval.calibration(w, style, c);
    return new ConceptFamily.Prompts(cal.target(), cal.reference());
  }

  /** Statistics of a concept over the first tMax UNet calls (DDIM, the evaluation's sampling). */
  public static PruneStats stats(World w, StableDiffusion sd, boolean style, int c, int tMax, Sampling s, long seed) {
    return stats(w, sd, style, c, tMax, s, seed, false);
  }

  /** As above; with {@code perPrompt} the same pass also keeps every prompt's own sums (FIA's statistics). */
  public static PruneStats stats(World w, StableDiffusion sd, boolean style, int c, int tMax, Sampling s, long seed,
      boolean perPrompt) {
    StatsSettings st = new StatsSettings(ProbeSite.FFN2, Aggregation.TOKENNORM, tMax, SchedulerKind.DDIM, s.steps(),
        s.guidance(), seed, true, 32, 32, perPrompt, 1);
    var prompts = calibration(w, style, c);
    Progress quiet = new Progress("stats", (long) prompts.target().size() * tMax, org.conceptprune.util.ProgressListener.SILENT);
    return ActivationStats.collect(sd, prompts, st, null, quiet).stats();
  }

  public static MaskSet mask(StableDiffusion sd, PruneStats stats, double k, int tHat) {
    return stats.maskFor(ModelWeights.of(sd.unet), k, tHat, 0, Variant.SKILLED);
  }

  /** The same number of weights per layer as {@code like}, at uniformly random positions (seeded). */
  public static MaskSet randomLike(MaskSet like, long seed) {
    MaskSet out = new MaskSet();
    SplittableRandom r = new SplittableRandom(seed);
    for (String layer : like.layers()) {
      LayerMask m = like.get(layer);
      LayerMask x = new LayerMask(m.out(), m.in());
      long want = m.count();
      int n = m.numel();
      int set = 0;
      while (set < want) {
        int p = r.nextInt(n);
        if (!x.get(p)) {
          x.set(p);
          set++;
        }
      }
      out.put(layer, x);
    }
    return out;
  }

  /** Masks that zero every weight of the UNet's Linear layers whose path ends with suffix. */
  public static MaskSet all(StableDiffusion sd, String suffix) {
    MaskSet out = new MaskSet();
    sd.unet.modules().forEach((path, m) -> {
      if (path.endsWith(suffix) && m instanceof Linear l) {
        long[] s = l.parameters().get("weight").shape();
        LayerMask x = new LayerMask((int) s[0], (int) s[1]);
        for (int p = 0; p < x.numel(); p++) x.set(p);
        out.put(path, x);
      }
    });
    return out;
  }

  /** Runs the items with a mask applied (restored afterwards). */
  public static Judged withMask(StableDiffusion sd, ToyJudge judge, MaskSet mask, List<Item> items, long seed, Sampling s) {
    try (Pruner.Applied a = Pruner.apply(sd.unet, mask)) {
      return ToyEval.run(sd, judge, items, seed, s);
    }
  }

  /** Number of ff.net.2 weights of the UNet. */
  public static long ffn2Weights(StableDiffusion sd) {
    long n = 0;
    for (Map.Entry<String, Linear> e : sd.unet.ffn2Layers().entrySet()) n += e.getValue().parameters().get("weight").numel();
    return n;
  }

  /** Weights a mask prunes. */
  public static long count(MaskSet m) {
    long n = 0;
    for (String l : m.layers()) n += m.get(l).count();
    return n;
  }
}
