package org.conceptprune.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.conceptprune.Fixtures;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;

/** The art-style numbers on hand-made cosines, over the shipped ESD prompt set. */
class ArtStyleSummaryTest {
  static ArtStyleExperiment recipe(String target) {
    return new ArtStyleExperiment(new EvalOptions(List.of(target), null, Fixtures.path("fixtures/eval/clip-model"), null, null, null,
        null, null, null, null, null, null, null, null, null, null));
  }

  @Test
  void targetMatchesTheArtistColumn() {
    ArtStyleExperiment a = recipe(" van GOGH ");
    assertEquals("Van Gogh", a.describe().get("target"));
    assertEquals(100, a.prompts().rows().size());
    assertEquals(3721L, a.prompts().rows().get(0).seed());
    UserError e = assertThrows(UserError.class, () -> recipe("Monet"));
    assertTrue(e.getMessage().contains("(artists: Pablo Picasso, Van Gogh, Rembrandt, Andy Warhol, Caravaggio)"), e.getMessage());
  }

  @Test
  void accuracyComparesCosinesOfTheSameRow() {
    ArtStyleExperiment a = recipe("Van Gogh");
    List<ImageScore> s = new ArrayList<>();
    // rows 20..23: Van Gogh; 0, 1: Picasso
    double[] base = {0.30, 0.20, -0.10, 0.25, 0.31, 0.10};
    double[] pruned = {0.10, 0.20, -0.20, 0.30, 0.30, 0.10}; // less, tie, less, more | less, tie
    int[] rows = {20, 21, 22, 23, 0, 1};
    for (int i = 0; i < rows.length; i++) {
      s.add(score("base", rows[i], base[i]));
      s.add(score("pruned", rows[i], pruned[i]));
    }
    s.add(score("pruned", 24, 0.0)); // no base image of row 24: not in the accuracy, in the mean
    List<ResultRow> r = a.summarize(s, List.of("base", "pruned"), "base");
    assertEquals(0.5, value(r, "pruned", "target_clip_accuracy"), 0);
    assertEquals(4, n(r, "pruned", "target_clip_accuracy"));
    assertEquals(0.5, value(r, "pruned", "others_clip_accuracy"), 0);
    assertEquals((30 + 20 + 0 + 25) / 4.0, value(r, "base", "target_clip_score"), 1e-12); // max(100 cos, 0)
    assertEquals((10 + 20 + 0 + 30 + 0) / 5.0, value(r, "pruned", "target_clip_score"), 1e-12);
    assertEquals(5, n(r, "pruned", "target_clip_score"));
    assertEquals((31 + 10) / 2.0, value(r, "base", "others_clip_score"), 1e-12);
    assertTrue(r.stream().allMatch(x -> x.subject().equals("Van Gogh")));
    assertEquals(0, r.stream().filter(x -> x.model().equals("base") && x.metric().endsWith("accuracy")).count());
  }

  static ImageScore score(String model, int row, double cos) {
    return new ImageScore(model, row, Map.of("cosine", cos, "clip_score", Math.max(100 * cos, 0)), Map.of());
  }

  static ResultRow find(List<ResultRow> rows, String model, String metric) {
    return rows.stream().filter(r -> r.model().equals(model) && r.metric().equals(metric)).findFirst().orElseThrow();
  }

  static double value(List<ResultRow> rows, String model, String metric) {
    return find(rows, model, metric).value();
  }

  static int n(List<ResultRow> rows, String model, String metric) {
    return find(rows, model, metric).n();
  }
}
