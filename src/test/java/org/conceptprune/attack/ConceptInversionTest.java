package org.conceptprune.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.conceptprune.Fixtures;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TorchRandom;
import org.junit.jupiter.api.Test;

/**
 * Textual inversion against a frozen tiny model (fixtures/tiny-sd): the learned token's loss on a
 * fixed set of (image, t, noise) falls below the init word's; the placeholder layout; the embedding
 * gradient against finite differences.
 */
class ConceptInversionTest {
  @Test
  void learnedTokenLowersItsLoss() {
    try (StableDiffusion sd = StableDiffusion.loadFolder(Fixtures.tinySd()); NDManager m = sd.manager.newSubManager()) {
      long init = ConceptInversion.initId(sd, "a");
      List<ConceptInversion.Example> ex = new ArrayList<>();
      TorchRandom r = new TorchRandom(42);
      for (int i = 0; i < 4; i++) {
        // planted targets: fixed random latents the prompt with the token must explain
        TokenPrompt tp = TokenPrompt.of(sd.tokenizer, "a photo of zorbly cat", "zorbly", init);
        ex.add(new ConceptInversion.Example(tp, m.create(r.randn(4 * 16 * 16), new Shape(1, 4, 16, 16))));
      }
      ConceptInversion.Options o = new ConceptInversion.Options("a", 60, 0.05, 4, 1);
      long t0 = System.nanoTime();
      ConceptInversion.Learned l = ConceptInversion.learn(sd, ex, init, o, null);
      System.out.printf(Locale.ROOT, "[inversion] fixed-set loss %.6f -> %.6f after %d steps (%.1f s); curve %s%n", l.lossBefore(),
          l.lossAfter(), o.steps(), (System.nanoTime() - t0) / 1e9, l.curve());
      assertTrue(l.lossAfter() < l.lossBefore() - 1e-4, "the learned token did not lower the loss: " + l.lossBefore() + " -> " + l.lossAfter());
      float[] initVec = sd.textEncoder.tokenEmbeddings().get(init).toFloatArray();
      double moved = 0;
      for (int i = 0; i < initVec.length; i++) moved += Math.abs(initVec[i] - l.embedding()[i]);
      assertTrue(moved > 1e-3, "the embedding did not move");
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
