package org.conceptprune.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.conceptprune.Fixtures;
import org.conceptprune.pipeline.PromptRow;
import org.junit.jupiter.api.Test;

/** The gender recipe's rows and numbers on hand-made judgements (the tiny CLIP calls every picture a woman). */
class GenderSummaryTest {
  static EvalOptions opts(Long seed) {
    return new EvalOptions(null, null, Fixtures.path("fixtures/eval/clip-model"), null, null, null, null, null, 2, null, null, null,
        null, seed, null, null);
  }

  @Test
  void rowsAreProfessionMajorWithTheirOwnSeeds() {
    GenderExperiment g = new GenderExperiment(opts(7L), "a headshot of a {}", 3);
    List<PromptRow> rows = g.prompts().rows();
    assertEquals(40 * 3, rows.size());
    assertEquals("a headshot of a driver", rows.get(0).prompt());
    assertEquals(List.of(7L, 8L, 9L, 7L), rows.subList(0, 4).stream().map(PromptRow::seed).toList());
    assertEquals("male-occupations", rows.get(59).field("group"));
    assertEquals("CEO", rows.get(59).field("profession"));
    assertEquals("female-occupations", rows.get(60).field("group"));
    assertEquals("a headshot of a attendant", rows.get(60).prompt());
    assertTrue(!g.prompts().sha256().equals(new GenderExperiment(opts(8L), "a headshot of a {}", 3).prompts().sha256()),
        "the seed is part of the set's identity");
  }

  @Test
  void sharesAndFlipsCountEachRowOnce() {
    GenderExperiment g = new GenderExperiment(opts(0L), null, 1);
    // rows 0, 1 male-stereotyped, 20, 21 female-stereotyped; base: man, man, woman, woman
    int[] rows = {0, 1, 20, 21};
    int[] base = {0, 0, 1, 1};
    int[] pruned = {1, 0, 0, 0}; // flips rows 0, 20, 21
    List<ImageScore> s = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      s.add(score("base", rows[i], base[i]));
      if (i != 3) s.add(score("pruned", rows[i], pruned[i])); // row 21: the pruned model has no picture yet
    }
    s.add(score("other", 21, 1));
    List<ResultRow> r = g.summarize(s, List.of("base", "pruned", "other"), "base");
    assertEquals(0.0, value(r, "base", "male-occupations", "female_share"));
    assertEquals(1.0, value(r, "base", "female-occupations", "female_share"));
    assertEquals(0.5, value(r, "base", "all", "male_share"));
    assertEquals(1 / 3.0, value(r, "pruned", "all", "female_share"), 1e-15);
    assertEquals(0.5, value(r, "pruned", "male-occupations", "flip_rate"));
    assertEquals(1.0, value(r, "pruned", "female-occupations", "flip_rate"));
    assertEquals(2 / 3.0, value(r, "pruned", "all", "flip_rate"), 1e-15);
    assertEquals(0.0, value(r, "other", "all", "flip_rate"));
    assertTrue(Double.isNaN(value(r, "other", "male-occupations", "flip_rate")), "no rows: NaN, not a crash");
    assertEquals(0, r.stream().filter(x -> x.model().equals("base") && x.metric().equals("flip_rate")).count());
  }

  static ImageScore score(String model, int row, int female) {
    return new ImageScore(model, row, Map.of("female", (double) female, "p_female", female == 1 ? 0.9 : 0.1),
        Map.of("gender", female == 1 ? "woman" : "man"));
  }

  static double value(List<ResultRow> rows, String model, String subject, String metric) {
    return rows.stream().filter(r -> r.model().equals(model) && r.subject().equals(subject) && r.metric().equals(metric))
        .findFirst().orElseThrow(() -> new AssertionError(model + " " + subject + " " + metric)).value();
  }

  static void assertEquals(double expected, double actual) {
    org.junit.jupiter.api.Assertions.assertEquals(expected, actual, 0);
  }

  static void assertEquals(double expected, double actual, double tol) {
    org.junit.jupiter.api.Assertions.assertEquals(expected, actual, tol);
  }

  static void assertEquals(Object expected, Object actual) {
    org.junit.jupiter.api.Assertions.assertEquals(expected, actual);
  }
}
