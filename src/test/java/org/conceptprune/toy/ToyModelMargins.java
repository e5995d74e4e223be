package org.conceptprune.toy;

import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.runtime.TorchRuntime;

/**
 * Measures {@link ToyModelTest}'s numbers on the shipped toy model over several image seeds (the
 * test runs one), so its thresholds are set from the spread, not from one draw. Not a test; run with
 * the test classpath: {@code java ... org.conceptprune.toy.ToyModelMargins 5 6 7}. The numbers of the
 * last run are in ToyModelTest's comment and docs/TOY-MODEL.md.
 */
public final class ToyModelMargins {
  private ToyModelMargins() {}

  public static void main(String[] args) {
    TorchRuntime.setThreads(1);
    try (StableDiffusion sd = StableDiffusion.loadFolder(ToyModel.extractBundled());
        ToyJudge judge = ToyJudge.loadBundled()) {
      MaskSet[] masks = ToyModelTest.zorblyMasks(sd);
      for (int i = 0; i < args.length; i++) {
        long seed = Long.parseLong(args[i]);
        ToyEval.Acc a = ToyModelTest.accuracy(sd, judge, seed);
        long eSeed = seed + ToyModelTest.ERASE_SEED - ToyModelTest.ACC_SEED;
        double[] e = ToyModelTest.erasure(sd, judge, masks, eSeed);
        double before = e[0];
        double after = e[1];
        double random = e[2];
        System.out.printf(java.util.Locale.ROOT,
            "seeds %d/%d: object %.3f style %.3f | zorbly before %.3f ConceptPrune %.3f random %.3f margin %.3f%n",
            seed, eSeed, a.object(), a.style(), before, after, random, (before - after) - (before - random));
      }
    }
  }
}
