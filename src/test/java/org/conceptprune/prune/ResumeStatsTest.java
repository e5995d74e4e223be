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
    var prompts = ConceptFamily.ART_STYLE.prompts("Monet", List.of("cat", "dog", "car"));
    var s = new StatsSettings(ProbeSite.FFN2, Aggregation.TOKENNORM, 2, SchedulerKind.PNDM, 10, 7.5, 0, true, 0, 0);
    Path partial = tmp.resolve("monet.partial");
    try (StableDiffusion sd = StableDiffusion.loadFolder(Fixtures.tinySd())) {
      ActivationStats.Result full = ActivationStats.collect(sd, prompts, s, null, new Progress("full", 6));
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
      ActivationStats.Result resumed = ActivationStats.collect(sd, prompts, s, null, new Progress("resumed", 6), partial);
      assertFalse(Files.exists(partial), "the partial file is removed when the pass ends");
      assertEquals(6, resumed.unetCalls(), "2 calls from the saved pair + 4 new");
      for (String l : full.stats().layers()) {
        assertArrayEquals(full.stats().layer(l).target(), resumed.stats().layer(l).target(), l);
        assertArrayEquals(full.stats().layer(l).reference(), resumed.stats().layer(l).reference(), l);
      }
    }
  }
}
