package org.conceptprune.experiment;

import java.util.List;
import java.util.Locale;
import org.conceptprune.prune.ActivationStats;
import org.conceptprune.prune.Aggregation;
import org.conceptprune.prune.FiaMethod;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.Masks;
import org.conceptprune.prune.ModelWeights;
import org.conceptprune.prune.ProbeSite;
import org.conceptprune.prune.PruneStats;
import org.conceptprune.prune.StatsSettings;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyJudge;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.World;
import org.conceptprune.util.Progress;
import org.conceptprune.util.ProgressListener;

/**
 * Measures what {@code --latent-seeds N} buys on the shipped toy model (docs/METHODS.md): for each
 * concept and N in 1, 2, 4, the ConceptPrune mask (k 0.05, t̂ 10) and the FIA mask (r1 0.05, r2 at
 * ConceptPrune's count) from two disjoint sets of N latents (statistics seeds 100.. and 5100..; every
 * prompt pair starts from the same latent, as FIA's and ConceptPrune's authors do), their Jaccard overlap, and the judged accuracy on the concept's asking
 * prompts (4 per object for a style, 2 per style for an object; image seed 31, as the experiment) with
 * the first set's masks. Not a test; run with the test classpath:
 * {@code java ... org.conceptprune.experiment.LatentSeedsStats wobbet quenth heart}.
 */
public final class LatentSeedsStats {
  private LatentSeedsStats() {}

  public static void main(String[] args) {
    TorchRuntime.setThreads(1);
    World w = World.classic();
    ToyEval.Sampling s = ToyEval.Sampling.defaults();
    try (StableDiffusion sd = StableDiffusion.loadFolder(ToyModel.extractBundled()); ToyJudge judge = ToyJudge.loadBundled()) {
      System.out.println("concept  N  jaccard_cp  jaccard_fia  erased_cp  erased_fia  weights  seconds");
      for (String c : args) {
        boolean style = w.isStyleConcept(c);
        int idx = style ? w.styleIndex(c) : w.objectIndex(c);
        var asking = ToyEval.asking(w, style, idx, style ? 4 : 2);
        for (int n : List.of(1, 2, 4)) {
          long t0 = System.nanoTime();
          MaskSet[] cp = new MaskSet[2];
          MaskSet[] fia = new MaskSet[2];
          for (int set = 0; set < 2; set++) {
            StatsSettings st = new StatsSettings(ProbeSite.FFN2, Aggregation.TOKENNORM, 10, SchedulerKind.DDIM, s.steps(),
                s.guidance(), 100 + 5000L * set, false, 32, 32, true, n);
            var prompts = ToyErasure.calibration(w, style, idx);
            Progress quiet = new Progress("stats", (long) prompts.target().size() * n * 10, ProgressListener.SILENT);
            PruneStats stats = ActivationStats.collect(sd, prompts, st, null, quiet).stats();
            stats.putMetadata(st.metadata());
            cp[set] = ToyErasure.mask(sd, stats, 0.05, 10);
            fia[set] = ToyMethods.matched(FiaMethod.scores(stats, ModelWeights.of(sd.unet), c, 10, ToyMethods.R1),
                ToyMethods.count(cp[set])).mask();
          }
          double eCp = erased(ToyErasure.withMask(sd, judge, cp[0], asking, 31, s), style);
          double eFia = erased(ToyErasure.withMask(sd, judge, fia[0], asking, 31, s), style);
          System.out.printf(Locale.ROOT, "%-8s %d  %.3f       %.3f        %.3f      %.3f      %d/%d  %.0f%n", c, n,
              Masks.jaccard(cp[0], cp[1]), Masks.jaccard(fia[0], fia[1]), eCp, eFia, ToyMethods.count(cp[0]),
              ToyMethods.count(fia[0]), (System.nanoTime() - t0) / 1e9);
        }
      }
    }
  }

  private static double erased(ToyEval.Judged j, boolean style) {
    return style ? j.acc().style() : j.acc().object();
  }
}
