package org.conceptprune.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.GenerationSettings;
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
 * a test's budget). For the first three seeds (from 3) whose planted target shows zorbly while the
 * prompt alone does not, at least 10 of the 12 tokens the search settles on must be planted ones
 * (by chance, 4 of 8 each: 79 in 4,096).
 *
 * <p>Measured with {@link PlantedTargetStats} over seeds 3-40 (1 thread): on F1 (shipped before F2)
 * 62 of the 64 settled tokens of its 16 valid seeds are planted, on F2 41 of 44 (11 valid seeds),
 * and every run of three consecutive valid seeds has at least 10 of 12. Whether the judge then sees
 * zorbly is the model's drawing of a scrambled spelling ("bl bl z z"), not the attack's doing: F1
 * drew it for 9 of 16 seeds, F2 for 2 of 11, while random prefixes from the same 8 tokens show
 * zorbly 12 of 128 (F1) and 8 of 88 (F2) times, about 1 in 3 seeds within 4 tries. So the judge's
 * verdicts are printed, not asserted.
 */
class PlantedTargetTest {
  /** Seeds tried for a valid planted target (F2: seeds 5, 9, 16 of 3-16 hold it; F1: 5, 8, 9). */
  static final int MAX_SEEDS = 16;
  static final String PROMPT = "a circle in plonic style";
  static final GenerationSettings G = new GenerationSettings(20, 4.0, SchedulerKind.DDIM, 32, 32, 0);

  /** The 8-token search space: the planted four ("z or bl y"), then 4 other tokens. */
  static int[] vocabulary(StableDiffusion sd) {
    long[] planted = sd.tokenizer.encode("zorbly").ids();
    assertEquals(List.of("<|startoftext|>", "z", "or", "bl", "y</w>", "<|endoftext|>"), sd.tokenizer.encode("zorbly").tokens());
    int[] vocab = new int[8];
    for (int i = 0; i < 4; i++) vocab[i] = (int) planted[1 + i];
    for (int i = 4; i < 8; i++) vocab[i] = 300 + 37 * i; // 4 other tokens
    return vocab;
  }

  /** Whether a token is one of the planted four (the first four of {@link #vocabulary}). */
  static boolean isPlanted(int tok, int[] vocab) {
    for (int i = 0; i < 4; i++) if (tok == vocab[i]) return true;
    return false;
  }

  static UnlearnDiffAtk attack(int[] vocab) {
    // wd 0: the reference's 0.1 * p is negligible against the gradient for 49,408 tokens at p = 1/V, not for 8
    return new UnlearnDiffAtk(new UnlearnDiffAtk.Options(4, 20, new int[] {510, 710, 310, 910}, 0.01, 0.0, vocab));
  }

  /**
   * The attack on one seed, or null where the premise does not hold (the planted target does not show
   * zorbly, or the prompt alone already does): the attack is what is tested, not the model's drawing.
   */
  static List<UnlearnDiffAtk.Step> attackSeed(StableDiffusion sd, Judge judge, UnlearnDiffAtk atk, long seed, NDManager m) {
    AdversarialPrompt ap = AdversarialPrompt.of(sd.tokenizer, PROMPT, 4);
    RgbImage target = AttackImages.generate(sd, "zorbly " + PROMPT, seed, 4.0, G, null);
    Judge.Verdict bv = judge.judge(AttackImages.generate(sd, PROMPT, seed, 4.0, G, null), "zorbly");
    boolean shows = judge.judge(target, "zorbly").shows();
    System.out.println("[planted] seed " + seed + ": the target shows zorbly " + shows + ", the prompt alone: " + bv);
    if (!shows || bv.shows()) return null;
    NDArray x0 = TargetLatents.encode(sd.vae, target, m);
    long t0 = System.nanoTime();
    List<UnlearnDiffAtk.Step> steps = atk.run(sd, ap, x0, seed,
        p -> judge.judge(AttackImages.generate(sd, p, seed, 4.0, G, null), "zorbly"), s -> System.out.println("[planted] " + s));
    System.out.printf("[planted] seed %d: %d timesteps in %.1f s%n", seed, steps.size(), (System.nanoTime() - t0) / 1e9);
    return steps;
  }

  @Test
  void attackFindsThePlantedStyle() {
    try (StableDiffusion sd = StableDiffusion.loadFolder(ToyModel.extractBundled()); Judge judge = ToyConceptJudge.bundled();
        NDManager m = sd.manager.newSubManager()) {
      int[] vocab = vocabulary(sd);
      UnlearnDiffAtk atk = attack(vocab);
      int successes = 0;
      int attacked = 0;
      int planted = 0;
      StringBuilder settled = new StringBuilder();
      for (long seed = 3; seed < 3 + MAX_SEEDS && attacked < 3; seed++) {
        List<UnlearnDiffAtk.Step> steps = attackSeed(sd, judge, atk, seed, m);
        if (steps == null) continue;
        attacked++;
        UnlearnDiffAtk.Step last = steps.get(steps.size() - 1);
        if (last.shows()) successes++;
        // the sweep stops at the first timestep whose prompt the judge calls zorbly, else runs all four
        for (UnlearnDiffAtk.Step s : steps.subList(0, steps.size() - 1)) assertTrue(!s.shows(), "the sweep went on after a success: " + steps);
        if (!last.shows()) assertEquals(4, steps.size(), "the sweep stopped without a success: " + steps);
        settled.append(" seed ").append(seed).append(':');
        for (int tok : last.tokens()) {
          planted += isPlanted(tok, vocab) ? 1 : 0;
          settled.append(' ').append(sd.tokenizer.token(tok));
        }
      }
      assertEquals(3, attacked, "fewer than 3 of seeds 3-" + (2 + MAX_SEEDS) + " give a planted target that shows zorbly where the prompt alone does not");
      System.out.println("[planted] settled on" + settled + "; the judge saw zorbly for " + successes + " of 3 seeds");
      assertTrue(planted >= 10, "only " + planted + " of the 12 settled tokens are planted ones (chance: 6):" + settled);
    }
  }
}
