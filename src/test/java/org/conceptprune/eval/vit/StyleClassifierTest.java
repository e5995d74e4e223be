package org.conceptprune.eval.vit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UnlearnDiffAtk's style ViT (tiny, random, both file formats) against transformers'
 * {@code ViTImageProcessor} + {@code ViTForImageClassification} ({@code fixtures/eval2/style-vit}):
 * logits within 1e-4 of the largest logit, pixel values of the shrunk img5, and the target's rank.
 */
class StyleClassifierTest {
  static final Path DIR = Fixtures.path("fixtures/eval2/style-vit");
  static final int[] VAN_GOGH_RANK = {5, 2, 2, 1, 3, 3}; // README

  static List<Path> images() {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < 6; i++) out.add(Fixtures.path((i < 4 ? "fixtures/eval/images/img" : "fixtures/eval2/images/img") + i + ".png"));
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"checkpoint", "safetensors"})
  void matchesTransformers(String format) {
    StyleClassifier.Result r = StyleClassifier.score(new StyleClassifier.Request(DIR.resolve(format), images()));
    assertEquals(129, r.labels().size());
    assertEquals("vincent-van-gogh", r.labels().get(22));
    try (SafetensorsFile g = SafetensorsFile.open(DIR.resolve("style-golden-small.safetensors"))) {
      float[] want = g.floats("logits");
      double scale = 0;
      for (float v : want) scale = Math.max(scale, Math.abs(v));
      double err = Check.close("style logits (" + format + ")", want, r.logits(), 1e-4 * scale);
      int per = 3 * 224 * 224;
      double px = Check.close("style pixel_values img5", g.floats("pixel_values_img5"), Arrays.copyOfRange(r.pixelValues(), 5 * per, 6 * per), 1e-6);
      int[] ranks = new int[6];
      for (int i = 0; i < 6; i++) {
        List<Integer> order = r.top(i, 129).stream().map(e -> e.index()).toList();
        ranks[i] = order.indexOf(22) + 1;
      }
      assertEquals(Arrays.toString(VAN_GOGH_RANK), Arrays.toString(ranks));
      System.out.printf(Locale.ROOT, "[golden] style ViT from %s: logits max err %.2e (%.1e of the largest logit %.2f),"
          + " img5 pixels %.1e, vincent-van-gogh ranks %s%n", format, err, err / scale, scale, px, Arrays.toString(ranks));
    }
  }

  @Test
  void refusesOtherFolders() {
    Path clip = Fixtures.path("fixtures/eval/clip-model");
    String m = assertThrows(UserError.class, () -> StyleClassifier.load(clip)).getMessage();
    assertTrue(m.startsWith(clip.resolve("config.json") + ": not a ViTForImageClassification config (model_type 'clip')"), m);
    assertTrue(assertThrows(UserError.class, () -> StyleClassifier.load(DIR.resolve("nope"))).getMessage().endsWith(": no such model folder (a transformers ViTForImageClassification folder)"));
  }
}
