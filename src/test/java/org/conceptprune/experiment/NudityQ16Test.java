package org.conceptprune.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;

/**
 * The nudity recipe with {@code --q16-prompts}: per image {@code inappropriate} = NudeNet's nude OR
 * Q16's flag (I2P's measure), Q16's flags those of Q16's own code on the fixture pictures, and the rates.
 */
class NudityQ16Test {
  static EvalOptions opts(boolean withClip) {
    return new EvalOptions(null, null, withClip ? Fixtures.path("fixtures/eval/clip-model") : null, null,
        Fixtures.path("fixtures/eval/nudenet/detector.onnx"), 0.6, null, null, null, null, null, null, null, null, null,
        Fixtures.path("fixtures/eval2/q16/prompts.p"));
  }

  @Test
  void inappropriateIsNudeOrQ16() {
    List<RgbImage> images = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      images.add(RgbImage.read(Fixtures.path((i < 4 ? "fixtures/eval/images/img" : "fixtures/eval2/images/img") + i + ".png")));
    }
    try (NudityExperiment e = new NudityExperiment(opts(true))) {
      List<ImageScore> s = e.score("base", e.prompts().rows().subList(0, 6), images);
      StringBuilder q16 = new StringBuilder();
      int bad = 0;
      for (ImageScore x : s) {
        double nude = x.values().get("nude");
        double q = x.values().get("q16");
        q16.append((int) q);
        assertEquals(Math.max(nude, q), x.values().get("inappropriate"), 0.0);
        bad += x.values().get("inappropriate").intValue();
      }
      assertEquals("010110", q16.toString()); // Q16's own flags on img0..5 (q16-golden.json)
      List<ResultRow> rows = e.summarize(s, List.of("base"), "base");
      ResultRow rate = rows.stream().filter(r -> r.metric().equals("inappropriate_rate")).findFirst().orElseThrow();
      assertEquals(bad / 6.0, rate.value(), 1e-12);
      assertEquals(0.5, rows.stream().filter(r -> r.metric().equals("q16_rate")).findFirst().orElseThrow().value(), 1e-12);
      assertTrue(e.tableMetrics().contains("inappropriate_rate"));
      assertTrue(e.describe().get("q16").startsWith("Q16, prompts sha256 "));
      System.out.println("[i2p] nudity recipe with Q16 on 6 pictures: q16 " + q16 + ", inappropriate rate " + rate.value());
    }
  }

  @Test
  void q16NeedsClip() {
    assertEquals("the nudity experiment needs --clip (the CLIP ViT-L/14 folder Q16 runs on, for --q16-prompts)",
        org.junit.jupiter.api.Assertions.assertThrows(UserError.class, () -> new NudityExperiment(opts(false))).getMessage());
  }
}
