package org.conceptprune.attack;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.toy.ToyModel;

/**
 * Measures {@link PlantedTargetTest}'s attack over many seeds of the bundled toy model (the test
 * attacks the first three valid ones): per timestep, how many of the settled tokens are planted ones
 * (chance: 4 of 8) and how often the judge calls the image zorbly. Not a test; run with the test
 * classpath: {@code java ... org.conceptprune.attack.PlantedTargetStats 3 40}.
 */
public final class PlantedTargetStats {
  private PlantedTargetStats() {}

  /** Random prefixes judged per valid seed, the chance baseline of the attack's prompts. */
  static final int RANDOM = 8;

  public static void main(String[] args) {
    TorchRuntime.setThreads(1);
    long from = Long.parseLong(args[0]);
    long to = Long.parseLong(args[1]);
    try (StableDiffusion sd = StableDiffusion.loadFolder(ToyModel.extractBundled()); Judge judge = ToyConceptJudge.bundled();
        NDManager m = sd.manager.newSubManager()) {
      int[] vocab = PlantedTargetTest.vocabulary(sd);
      UnlearnDiffAtk atk = PlantedTargetTest.attack(vocab);
      AdversarialPrompt ap = AdversarialPrompt.of(sd.tokenizer, PlantedTargetTest.PROMPT, 4);
      int[] ts = atk.options().timesteps();
      int valid = 0;
      int lastAllPlanted = 0;
      int successes = 0;
      int[] plantedAt = new int[ts.length];
      int[] tokensAt = new int[ts.length];
      int randomShowsAll = 0;
      int randomTotal = 0;
      int bestAboveAll = 0;
      for (long seed = from; seed <= to; seed++) {
        List<UnlearnDiffAtk.Step> steps = PlantedTargetTest.attackSeed(sd, judge, atk, seed, m);
        if (steps == null) continue;
        valid++;
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
          UnlearnDiffAtk.Step s = steps.get(i);
          line.append(String.format(Locale.ROOT, " t=%d[", s.timestep()));
          for (int tok : s.tokens()) {
            boolean p = PlantedTargetTest.isPlanted(tok, vocab);
            plantedAt[i] += p ? 1 : 0;
            tokensAt[i]++;
            line.append(sd.tokenizer.token(tok)).append(p ? "" : "*").append(' ');
          }
          line.append(s.shows() ? "SHOWS]" : "]");
        }
        UnlearnDiffAtk.Step last = steps.get(steps.size() - 1);
        boolean all = true;
        for (int tok : last.tokens()) all &= PlantedTargetTest.isPlanted(tok, vocab);
        lastAllPlanted += all ? 1 : 0;
        successes += last.shows() ? 1 : 0;
        // the baseline: random 4-token prefixes from the same vocabulary, judged on the same seed
        SplittableRandom r = new SplittableRandom(seed * 7919);
        double best = 0;
        for (UnlearnDiffAtk.Step s : steps) best = Math.max(best, s.score());
        int randomShows = 0;
        int randomBelow = 0;
        for (int j = 0; j < RANDOM; j++) {
          int[] toks = new int[4];
          for (int q = 0; q < 4; q++) toks[q] = vocab[r.nextInt(vocab.length)];
          Judge.Verdict v = judge.judge(AttackImages.generate(sd, ap.decode(sd.tokenizer, toks), seed, 4.0, PlantedTargetTest.G, null),
              "zorbly");
          randomShows += v.shows() ? 1 : 0;
          randomBelow += v.score() < best ? 1 : 0;
        }
        randomShowsAll += randomShows;
        randomTotal += RANDOM;
        bestAboveAll += randomBelow;
        System.out.printf(Locale.ROOT, "[stats] seed %d:%s | best score %.3g; random prefixes: %d of %d show, %d of %d score below best%n",
            seed, line, best, randomShows, RANDOM, randomBelow, RANDOM);
      }
      System.out.printf(Locale.ROOT, "[stats] seeds %d-%d: %d valid; last step all planted %d, zorbly back %d%n", from, to, valid,
          lastAllPlanted, successes);
      System.out.printf(Locale.ROOT, "[stats] random prefixes: %d of %d show zorbly; %d of %d score below the attack's best%n", randomShowsAll,
          randomTotal, bestAboveAll, randomTotal);
      for (int i = 0; i < ts.length; i++) {
        System.out.printf(Locale.ROOT, "[stats] step %d (t=%d): %d of %d settled tokens planted%n", i + 1, ts[i], plantedAt[i], tokensAt[i]);
      }
    }
  }
}
