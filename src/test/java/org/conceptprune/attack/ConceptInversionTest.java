package org.conceptprune.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.conceptprune.Fixtures;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.pipeline.StableDiffusion;
import org.junit.jupiter.api.Test;

/**
 * Textual inversion against the frozen toy model: the learned token's loss on a fixed set of (image,
 * t, noise) falls below the init word's; the placeholder layout (tiny-sd tokenizer).
 */
class ConceptInversionTest {
  /**
   * The toy model's own images of the style wobbet, the prompts with the style word replaced by a
   * token that starts as "art": training the token alone lowers the loss on a fixed set.
   */
  @Test
  void learnedTokenLowersItsLoss() {
    GenerationSettings g = new GenerationSettings(20, 4.0, SchedulerKind.DDIM, 32, 32, 0);
    try (StableDiffusion sd = StableDiffusion.loadFolder(ToyModel.extractBundled()); NDManager m = sd.manager.newSubManager()) {
      long init = ConceptInversion.initId(sd, "art");
      List<ConceptInversion.Example> ex = new ArrayList<>();
      String[] prompts = {"a wobbet circle", "a square in wobbet style", "a wobbet star", "a heart in wobbet style"};
      for (int i = 0; i < prompts.length; i++) {
        var img = AttackImages.generate(sd, prompts[i], 100 + i, 4.0, g, null);
        ex.add(new ConceptInversion.Example(TokenPrompt.of(sd.tokenizer, prompts[i], "wobbet", init), TargetLatents.encode(sd.vae, img, m)));
      }
      ConceptInversion.Options o = new ConceptInversion.Options("art", 80, 0.01, 4, 1);
      long t0 = System.nanoTime();
      var log = org.conceptprune.util.ProgressListener.printing(new java.io.PrintWriter(System.out, true));
      ConceptInversion.Learned l = ConceptInversion.learn(sd, ex, init, o, log);
      System.out.printf(Locale.ROOT, "[inversion] fixed-set loss %.5f -> %.5f after %d steps (%.1f s)%n", l.lossBefore(),
          l.lossAfter(), o.steps(), (System.nanoTime() - t0) / 1e9);
      // A step whose loss or gradient is not finite is skipped and logged (the guard in learn). None
      // is skipped on the machines here; CI's machine once skipped 1 of the 80 (its CPU's kernels), and
      // the token still has to lower the loss, so a rare one is allowed, not a habit of them.
      assertTrue(l.skipped() <= 2, l.skipped() + " of " + o.steps() + " steps had a non-finite loss or gradient");
      assertTrue(l.lossAfter() < 0.98 * l.lossBefore(), "the learned token did not lower the loss: " + l.lossBefore() + " -> " + l.lossAfter());
    }
  }

  @Test
  void placeholderReplacesEveryOccurrenceOfTheConceptWord() {
    try (StableDiffusion sd = StableDiffusion.loadFolder(Fixtures.tinySd())) {
      var tok = sd.tokenizer;
      TokenPrompt tp = TokenPrompt.of(tok, "a Zorbly cat and a zorbly dog", "zorbly", 7);
      long[] a = tok.encode("a").ids();
      long[] cat = tok.encode("cat and a").ids();
      long[] dog = tok.encode("dog").ids();
      List<Long> want = new ArrayList<>();
      want.add((long) tok.bosId());
      want.add(a[1]);
      want.add(7L);
      int nCat = tok.encode("cat and a").untruncatedLength() - 2;
      for (int i = 0; i < nCat; i++) want.add(cat[1 + i]);
      want.add(7L);
      int nDog = tok.encode("dog").untruncatedLength() - 2;
      for (int i = 0; i < nDog; i++) want.add(dog[1 + i]);
      want.add((long) tok.eosId());
      for (int i = 0; i < want.size(); i++) assertEquals(want.get(i), tp.ids[i], "position " + i);
      assertArrayEquals(new int[] {2, 3 + nCat}, tp.slots);
      assertEquals("a <*> cat and a <*> dog", tp.display);
      // a prompt without the word gets the token in front
      TokenPrompt front = TokenPrompt.of(tok, "a cat", "zorbly", 7);
      assertArrayEquals(new int[] {1}, front.slots);
      assertEquals("<*> a cat", front.display);
    }
  }
}
