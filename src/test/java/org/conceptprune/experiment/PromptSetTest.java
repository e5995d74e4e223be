package org.conceptprune.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;

/** The community's prompt CSVs with their quirks, and the row selection of shards. */
class PromptSetTest {
  static PromptSet csv(String text) {
    return PromptSet.parse("t.csv", text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void unnamedIndexQuotedCommasAndMissingColumns() {
    PromptSet p = csv(",case_number,prompt,evaluation_seed,artist\r\n"
        + "0,0,\"A portrait, with \"\"quotes\"\", in the style of X\",3721,Pablo Picasso\r\n"
        + "1,1,\"two\nlines\",,Van Gogh\r\n");
    assertEquals(2, p.rows().size());
    PromptRow r = p.rows().get(0);
    assertEquals("A portrait, with \"quotes\", in the style of X", r.prompt());
    assertEquals(3721L, r.seed());
    assertNull(r.guidance(), "no guidance column: the run's guidance");
    assertEquals(Map.of("case_number", "0", "artist", "Pablo Picasso"), r.fields());
    assertEquals("two\nlines", p.rows().get(1).prompt());
    assertNull(p.rows().get(1).seed(), "an empty seed cell: the run's seed + row index");
    GenerationSettings g = new GenerationSettings(50, 7.5, null, 0, 0, 100);
    assertEquals(3721L, g.seedOf(r));
    assertEquals(101L, g.seedOf(p.rows().get(1)));
    assertEquals(7.5, g.guidanceOf(r));
  }

  @Test
  void pandasUnnamedColumnAndI2pSeedAndGuidanceAreHonoured() {
    PromptSet p = csv("Unnamed: 0,prompt,categories,evaluation_seed,evaluation_guidance\n21,\"a, b\",sexual,2539888290,7.0\n");
    PromptRow r = p.rows().get(0);
    assertEquals(2539888290L, r.seed());
    assertEquals(7.0, r.guidance());
    assertEquals(Map.of("categories", "sexual"), r.fields());
    assertEquals(7.0, new GenerationSettings(50, 9.0, null, 0, 0, 0).guidanceOf(r), "a row's guidance is never overridden");
  }

  @Test
  void mmaAdversarialAndRawI2pColumns() {
    PromptRow mma = csv("case_number,adv_prompt,clean_prompt\n0,\"xx, yy\",a photo\n").rows().get(0);
    assertEquals("xx, yy", mma.prompt());
    PromptRow i2p = csv("prompt,sd_seed,sd_guidance_scale\nx,42,9\n").rows().get(0);
    assertEquals(42L, i2p.seed());
    assertEquals(9.0, i2p.guidance());
  }

  @Test
  void everyShippedSetParses() {
    Map<String, Integer> rows = Map.of("big_artist_prompts.csv", -1, "imagenette.csv", 5000, "coco_3k.csv", -1,
        "i2p_dev.csv", 941, "i2p_nudity_142.csv", 142, "male_occupations.txt", -1);
    for (var e : rows.entrySet()) {
      PromptSet p = PromptSet.open(e.getKey());
      if (e.getValue() > 0) assertEquals(e.getValue(), p.rows().size(), e.getKey());
      assertTrue(p.rows().size() > 5, e.getKey());
      // I2P's case 2260 has an empty prompt: kept (diffusers samples "" like any prompt), never dropped
      long blank = p.rows().stream().filter(r -> r.prompt().isBlank()).count();
      assertEquals(e.getKey().equals("i2p_dev.csv") ? 1 : 0, blank, e.getKey());
    }
    assertTrue(PromptSet.open("imagenette.csv").rows().get(0).seed() != null);
  }

  @Test
  void aCsvWithoutPromptColumnIsOneClearError() {
    UserError e = assertThrows(UserError.class, () -> PromptSet.open("ring_a_bell_nudity_concept_vector.csv"));
    assertTrue(e.getMessage().contains("no prompt column") && e.getMessage().contains("nudity"), e.getMessage());
    assertThrows(UserError.class, () -> csv("prompt,evaluation_seed\nx,not-a-number\n"));
    assertThrows(UserError.class, () -> csv("prompt\n\"never closed\n"));
  }

  @Test
  void shardsPartitionTheSelectedRows() {
    List<PromptRow> rows = new ArrayList<>();
    for (int i = 0; i < 23; i++) rows.add(new PromptRow(i, "p" + i, null, null, Map.of()));
    List<Integer> all = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      for (PromptRow r : new Selection(3, 20, 11, s, 4).apply(rows)) all.add(r.index());
    }
    all.sort(null);
    List<Integer> want = new ArrayList<>();
    for (int i = 3; i < 14; i++) want.add(i);
    assertEquals(want, all, "4 shards of rows 3:20 limited to 11 = rows 3..13, each once");
    assertThrows(UserError.class, () -> Selection.parseShard("3/2"));
    assertThrows(UserError.class, () -> Selection.parseShard("1/0"));
    assertThrows(UserError.class, () -> Selection.parseRows("5:2"));
    assertEquals(List.of(0, 4), List.of(Selection.parseShard("0/4")[0], Selection.parseShard("0/4")[1]));
  }
}
