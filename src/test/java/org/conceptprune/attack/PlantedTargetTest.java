package org.conceptprune.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.experiment.GenerationSettings;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.toy.ToyModel;
import org.junit.jupiter.api.Test;

/**
 * UnlearnDiffAtk on the unpruned toy model against a planted target. The prompt asks for the style
 * plonic; the target is the model's own image for the same prompt with the tokens "z or bl y" in
 * front ("zorbly a circle in plonic style" gives zorbly, the prompt alone does not). The search
 * ranges over a vocabulary of 8 tokens that holds the planted four (k = 4) (the toy's style words are
 * nonsense spelled by 3-7 tokens, no single token carries one, and the full 928^4 space is beyond
 * a test's budget). For the first three seeds (from 3) whose planted target shows zorbly while the prompt alone
 * does not, the tokens it settles on must all be planted ones (never one of
 * the 4 distractors) and for at least two the judge must call the image zorbly.
 */
class PlantedTargetTest {
  /** Seeds tried for a valid planted target (shipped model F1: seeds 5, 8, 9 of 3-9 hold it). */
  static final int MAX_SEEDS = 12;

  @Test
  void attackFindsThePlantedStyle() {
    GenerationSettings g = new GenerationSettings(20, 4.0, SchedulerKind.DDIM, 32, 32, 0);
    try (StableDiffusion sd = StableDiffusion.loadFolder(ToyModel.extractBundled()); Judge judge = ToyConceptJudge.bundled();
        NDManager m = sd.manager.newSubManager()) {
      String prompt = "a circle in plonic style";
      long[] planted = sd.tokenizer.encode("zorbly").ids();
      assertEquals(List.of("<|startoftext|>", "z", "or", "bl", "y</w>", "<|endoftext|>"), sd.tokenizer.encode("zorbly").tokens());
      int[] vocab = new int[8];
      for (int i = 0; i < 4; i++) vocab[i] = (int) planted[1 + i];
      for (int i = 4; i < 8; i++) vocab[i] = 300 + 37 * i; // 4 other tokens
      // wd 0: the reference's 0.1 * p is negligible against the gradient for 49,408 tokens at p = 1/V, not for 8
      UnlearnDiffAtk atk = new UnlearnDiffAtk(new UnlearnDiffAtk.Options(4, 20, new int[] {510, 710, 310, 910}, 0.01, 0.0, vocab));
      AdversarialPrompt ap = AdversarialPrompt.of(sd.tokenizer, prompt, 4);
      int successes = 0;
      int attacked = 0;
      for (long seed = 3; seed < 3 + MAX_SEEDS && attacked < 3; seed++) {
        long sd0 = seed;
        RgbImage target = AttackImages.generate(sd, "zorbly " + prompt, seed, 4.0, g, null);
        Judge.Verdict bv = judge.judge(AttackImages.generate(sd, prompt, seed, 4.0, g, null), "zorbly");
        boolean shows = judge.judge(target, "zorbly").shows();
        System.out.println("[planted] seed " + seed + ": the target shows zorbly " + shows + ", the prompt alone: " + bv);
        // the premise: the planted target shows zorbly and the prompt alone does not; seeds where the
        // model does not draw it so are skipped (the attack is what is tested, not the model's drawing)
        if (!shows || bv.shows()) continue;
        attacked++;
        NDArray x0 = TargetLatents.encode(sd.vae, target, m);
        long t0 = System.nanoTime();
        List<UnlearnDiffAtk.Step> steps = atk.run(sd, ap, x0, seed,
            p -> judge.judge(AttackImages.generate(sd, p, sd0, 4.0, g, null), "zorbly"), s -> System.out.println("[planted] " + s));
        System.out.printf("[planted] seed %d: %d timesteps in %.1f s%n", seed, steps.size(), (System.nanoTime() - t0) / 1e9);
        UnlearnDiffAtk.Step last = steps.get(steps.size() - 1);
        if (last.shows()) successes++;
        // every token the search settles on is one of the planted four (by chance: 1 in 16 per seed)
        for (int tok : last.tokens()) {
          assertTrue(tok == vocab[0] || tok == vocab[1] || tok == vocab[2] || tok == vocab[3],
              "seed " + seed + ": token " + sd.tokenizer.token(tok) + " is a distractor: " + steps);
        }
      }
      // random prefixes from this vocabulary show zorbly 3 times in 24: within 4 tries by chance 41% each
      assertEquals(3, attacked, "fewer than 3 of seeds 3-" + (2 + MAX_SEEDS) + " give a planted target that shows zorbly where the prompt alone does not");
      System.out.println("[planted] the concept came back for " + successes + " of 3 seeds");
      assertTrue(successes >= 2, "the attack brought zorbly back for " + successes + " of 3 seeds");
    }
  }
}
