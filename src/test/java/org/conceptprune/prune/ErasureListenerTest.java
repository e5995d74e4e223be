package org.conceptprune.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.Fixtures;
import org.conceptprune.util.Progress;
import org.conceptprune.util.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java example with a listener of its own: structured events instead of text. */
class ErasureListenerTest {
  @TempDir Path tmp;

  /** Keeps every update (by stage, in order) and every note. */
  static final class Recording implements ProgressListener {
    final Map<String, List<Progress.Update>> stages = new LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();

    @Override
    public synchronized void progress(Progress.Update u) {
      stages.computeIfAbsent(u.stage(), k -> new ArrayList<>()).add(u);
    }

    @Override
    public synchronized void note(String line) {
      notes.add(line);
    }

    /** Every stage counts up to its total and ends there. */
    void assertWellFormed() {
      assertFalse(stages.isEmpty(), "no progress");
      stages.forEach((stage, us) -> {
        long total = us.get(0).total();
        for (int i = 0; i < us.size(); i++) {
          assertEquals(total, us.get(i).total(), stage);
          if (i > 0) assertTrue(us.get(i).done() >= us.get(i - 1).done(), stage + ": done went down");
          assertTrue(us.get(i).seconds() >= 0, stage);
        }
        assertEquals(total, us.get(us.size() - 1).done(), stage + " did not end at its total");
        assertTrue(us.get(us.size() - 1).finished(), stage);
      });
    }
  }

  private static ConceptSpec vanGogh() {
    ConceptFamily family = ConceptFamily.ART_STYLE;
    return new ConceptSpec("Van Gogh", family, family.prompts("Van Gogh", List.of("cat", "dog")), 0.05, 3);
  }

  @Test
  void everyStageEndsAtItsTotalAndTheNotesArriveThenTheCacheIsHeardToo() {
    Path out = tmp.resolve("no-van-gogh");
    Erasure.Request request = Erasure.Request.of(Fixtures.tinySd(), List.of(vanGogh()), new ConceptPruneMethod(0, Variant.SKILLED), out);
    Recording first = new Recording();
    Erasure.Result result = Erasure.run(request, first);
    first.assertWellFormed();
    List<Progress.Update> stats = first.stages.get("statistics (prompt pairs x UNet calls)");
    assertEquals(6, stats.size(), "one update per UNet call: 2 pairs x t̂ 3");
    assertEquals(6, stats.get(5).total());
    assertEquals(result.unetCalls(), stats.get(5).done());
    assertTrue(first.notes.stream().anyMatch(n -> n.startsWith("statistics of 'Van Gogh': 2 pairs, 6 UNet calls")), first.notes.toString());

    // a second erasure with the same statistics cache: no UNet call, the stage still ends, the cache is a note
    Erasure.Request again = new Erasure.Request(request.model(), null, request.concepts(), request.settings(), request.method(), null,
        tmp.resolve("again"), tmp.resolve("again.mask.safetensors"), tmp.resolve("again.report.json"), request.statsCache(), false);
    Recording second = new Recording();
    assertEquals(0, Erasure.run(again, second).unetCalls());
    second.assertWellFormed();
    assertTrue(second.notes.stream().anyMatch(n -> n.contains("from the cache")), second.notes.toString());
  }

  @Test
  void printingWritesTheBarAndTheNotesAsTheCommandDoes() {
    StringWriter sw = new StringWriter();
    Erasure.run(Erasure.Request.of(Fixtures.tinySd(), List.of(vanGogh()), new ConceptPruneMethod(0, Variant.SKILLED), tmp.resolve("o")),
        ProgressListener.printing(new PrintWriter(sw, true)));
    String text = sw.toString();
    assertTrue(text.lines().anyMatch(l -> l.matches("\r?statistics \\(prompt pairs x UNet calls\\) \\[#{30}\\] 6/6  [0-9.]+/s, \\S+ elapsed, ETA 0\\.0s")),
        text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("statistics of 'Van Gogh': 2 pairs, 6 UNet calls")), text);
  }
}
