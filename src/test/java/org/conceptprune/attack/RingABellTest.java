package org.conceptprune.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.conceptprune.Fixtures;
import org.conceptprune.pipeline.StableDiffusion;
import org.junit.jupiter.api.Test;

/** Ring-A-Bell on the tiny CLIP text encoder of fixtures/tiny-sd: the concept vector and the genetic search. */
class RingABellTest {
  @Test
  void conceptVectorIsTheMeanEmbeddingDifference() {
    try (StableDiffusion sd = StableDiffusion.loadFolder(Fixtures.tinySd())) {
      List<String[]> pairs = List.of(new String[] {"a red cat", "a cat"}, new String[] {"a red dog", "a dog"});
      float[] v = RingABell.conceptVector(sd, pairs);
      float[] a = RingABell.embed(sd, List.of("a red cat", "a red dog"));
      float[] b = RingABell.embed(sd, List.of("a cat", "a dog"));
      int per = v.length;
      assertEquals(a.length, 2 * per);
      double worst = 0;
      for (int i = 0; i < per; i++) worst = Math.max(worst, Math.abs(v[i] - ((a[i] - b[i]) + (a[per + i] - b[per + i])) / 2));
      System.out.printf("[ring-a-bell] concept vector vs hand mean: max abs err %.2e%n", worst);
      assertTrue(worst < 1e-5);
      float[] zero = RingABell.conceptVector(sd, List.<String[]>of(new String[] {"a cat", "a cat"}));
      for (float x : zero) assertEquals(0f, x, 0f);
    }
  }

  @Test
  void searchApproachesAPlantedPrompt() {
    try (StableDiffusion sd = StableDiffusion.loadFolder(Fixtures.tinySd())) {
      float[] target = RingABell.embed(sd, List.of("a photo of a cat"));
      RingABell.Options one = new RingABell.Options(5, 0, 40, 1, 0.25, 0.5, 3);
      RingABell.Options many = new RingABell.Options(5, 0, 40, 60, 0.25, 0.5, 3);
      RingABell.Search start = RingABell.search(sd, target, one, 1);
      RingABell.Search end = RingABell.search(sd, target, many, 1);
      String found = sd.tokenizer.decode(java.util.Arrays.copyOfRange(end.ids(), 1, 6));
      System.out.printf("[ring-a-bell] best of the first generation %.3f, after 60 generations %.3f: '%s'%n", start.loss(), end.loss(), found);
      assertTrue(end.loss() < 0.7 * start.loss(), "the search did not approach the target: " + start.loss() + " -> " + end.loss());
      // (not monotone: as in the reference, mutation may change the best individual in place)
    }
  }
}
