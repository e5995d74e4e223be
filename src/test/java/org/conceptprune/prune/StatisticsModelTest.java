package org.conceptprune.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.conceptprune.Fixtures;
import org.conceptprune.nn.Parameter;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TextToImage;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.util.Progress;
import org.junit.jupiter.api.Test;

/**
 * The statistics model of {@code prune}: the prompts encoded ahead and the text encoder freed before
 * the UNet loads give the same statistics, bit for bit, as the full model; the text encoder and the
 * VAE hold no weights, and a prompt that was not encoded ahead is refused.
 */
class StatisticsModelTest {
  @Test
  void unetOnlyModelGivesTheSameStatisticsAsTheFullModel() {
    var prompts = ConceptFamily.ART_STYLE.prompts("Monet", List.of("cat", "dog"));
    var s = new StatsSettings(ProbeSite.FFN2, Aggregation.TOKENNORM, 3, SchedulerKind.PNDM, 10, 7.5, 0, true, 0, 0);
    ActivationStats.Result full;
    try (StableDiffusion sd = StableDiffusion.loadFolder(Fixtures.tinySd())) {
      full = ActivationStats.collect(sd, prompts, s, null, new Progress("full", 6));
    }
    try (ModelSource src = ModelSource.open(Fixtures.tinySd(), null);
        StableDiffusion sd = StableDiffusion.loadUnetForStatistics(src, ActivationStats.promptBatches(prompts, s))) {
      assertFalse(sd.textEncoder.parameters().values().stream().anyMatch(Parameter::isBound), "text encoder weights freed");
      assertFalse(sd.vae.parameters().values().stream().anyMatch(Parameter::isBound), "no VAE weights");
      assertTrue(sd.unet.parameters().values().stream().allMatch(Parameter::isBound), "UNet loaded");
      ActivationStats.Result lean = ActivationStats.collect(sd, prompts, s, null, new Progress("lean", 6));
      for (String l : full.stats().layers()) {
        assertArrayEquals(full.stats().layer(l).target(), lean.stats().layer(l).target(), l);
        assertArrayEquals(full.stats().layer(l).reference(), lean.stats().layer(l).reference(), l);
      }
      var other = new TextToImage.Request(List.of("a prompt nobody encoded"), null, 2, 7.5, SchedulerKind.PNDM, 0, 0, 0, null, false);
      assertThrows(IllegalStateException.class, () -> TextToImage.run(sd, other, new TextToImage.Listener() {}));
    }
  }
}
