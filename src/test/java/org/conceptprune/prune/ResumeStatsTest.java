package org.conceptprune.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conceptprune.Fixtures;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.util.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An interrupted statistics pass resumes at the next prompt pair and ends with the same sums. */
class ResumeStatsTest {
  @TempDir Path tmp;

  @Test
  void interruptedPassResumesToTheSameStatistics() {
    check(new StatsSettings(ProbeSite.FFN2, Aggregation.TOKENNORM, 2, SchedulerKind.PNDM, 10, 7.5, 0, true, 0, 0));
  }

  /** FIA's pass: per-prompt records over two latents (6 runs), interrupted in the second run. */
  @Test
  void interruptedPerPromptPassResumesToTheSameStatistics() {
    check(new StatsSettings(ProbeSite.FFN2, Aggregation.TOKENNORM, 2, SchedulerKind.PNDM, 10, 7.5, 0, false, 0, 0, true, 2));
  }

  private void check(StatsSettings s) {
    var prompts = ConceptFamily.ART_STYLE.prompts("Monet", List.of("cat", "dog", "car"));
    Path partial = tmp.resolve("monet.partial");
    try (StableDiffusion sd = StableDiffusion.loadFolder(Fixtures.tinySd())) {
      int calls = 2 * 3 * s.latentSeeds();
      ActivationStats.Result full = ActivationStats.collect(sd, prompts, s, null, new Progress("full", calls));
      Progress dying = new Progress("dying", 6) {
        int n;

        @Override
        public synchronized void step() {
          if (++n == 4) throw new IllegalStateException("interrupted");
          super.step();
        }
      };
      assertThrows(IllegalStateException.class, () -> ActivationStats.collect(sd, prompts, s, null, dying, partial));
      assertTrue(Files.exists(partial), "sums of the finished pair were saved");
      ActivationStats.Result resumed = ActivationStats.collect(sd, prompts, s, null, new Progress("resumed", calls), partial);
      assertFalse(Files.exists(partial), "the partial file is removed when the pass ends");
      assertEquals(calls, resumed.unetCalls(), "2 calls from the saved run + the rest");
      for (String l : full.stats().layers()) {
        assertArrayEquals(full.stats().layer(l).target(), resumed.stats().layer(l).target(), l);
        assertArrayEquals(full.stats().layer(l).reference(), resumed.stats().layer(l).reference(), l);
        if (s.perPrompt()) {
          assertArrayEquals(full.stats().perPrompt(l).target(), resumed.stats().perPrompt(l).target(), l);
          assertArrayEquals(full.stats().perPrompt(l).reference(), resumed.stats().perPrompt(l).reference(), l);
        }
      }
    }
  }
}
