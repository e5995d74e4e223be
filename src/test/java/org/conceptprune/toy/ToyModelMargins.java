package org.conceptprune.toy;

import java.util.List;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.runtime.Runtime;

/**
 * Measures {@link ToyModelTest}'s numbers on the shipped toy model over several image seeds (the
 * test runs one), so its thresholds are set from the spread, not from one draw. Not a test; run with
 * the test classpath: {@code java ... org.conceptprune.toy.ToyModelMargins 5 6 7}. The numbers of the
 * last run are in ToyModelTest's comment and docs/TOY-MODEL.md.
 */
public final class ToyModelMargins {
  private ToyModelMargins() {}

  public static void main(String[] args) {
    Runtime.setThreads(1);
    try (StableDiffusion sd = StableDiffusion.loadFolder(ToyModel.extractBundled());
        ToyJudge judge = ToyJudge.loadBundled()) {
      List<ToyEval.Item> items = ToyEval.allPairs(1).subList(0, 48);
      int style = 0;
      var stats = ToyEval.stats(sd, true, style, ToyModelTest.T_HAT, ToyModelTest.S, 100);
      MaskSet m = ToyEval.mask(sd, stats, ToyModelTest.K, ToyModelTest.T_HAT);
      MaskSet rnd = ToyEval.randomLike(m, 11);
      List<ToyEval.Item> target = ToyEval.asking(true, style, 2);
      for (int i = 0; i < args.length; i++) {
        long seed = Long.parseLong(args[i]);
        ToyEval.Acc a = ToyEval.run(sd, judge, items, seed, ToyModelTest.S).acc();
        long eSeed = seed + ToyModelTest.ERASE_SEED - ToyModelTest.ACC_SEED;
        double before = ToyEval.run(sd, judge, target, eSeed, ToyModelTest.S).acc().style();
        double after = ToyEval.withMask(sd, judge, m, target, eSeed, ToyModelTest.S).acc().style();
        double random = ToyEval.withMask(sd, judge, rnd, target, eSeed, ToyModelTest.S).acc().style();
        System.out.printf(java.util.Locale.ROOT,
            "seeds %d/%d: object %.3f style %.3f | zorbly before %.3f ConceptPrune %.3f random %.3f margin %.3f%n",
            seed, eSeed, a.object(), a.style(), before, after, random, (before - after) - (before - random));
      }
    }
  }
}
