package org.conceptprune.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;

/**
 * {@code --judge style:DIR}: UnlearnDiffAtk's rule on the fixture ViT, whose vincent-van-gogh ranks
 * 5, 2, 2, 1, 3, 3 on img0..5 (top-1 success on img3 only, top-3 on img1..5).
 */
class StyleJudgeTest {
  static final Path DIR = Fixtures.path("fixtures/eval2/style-vit/safetensors");

  static RgbImage image(int i) {
    return RgbImage.read(Fixtures.path((i < 4 ? "fixtures/eval/images/img" : "fixtures/eval2/images/img") + i + ".png"));
  }

  @Test
  void topOneAndTopThree() {
    boolean[] top1 = new boolean[6];
    boolean[] top3 = new boolean[6];
    try (Judge j1 = Judge.open(JudgeSpec.parse("style:" + DIR), null, 1, null, 1); Judge j3 = Judge.open(JudgeSpec.parse("style:" + DIR), null, 1, null, 3)) {
      j1.requireConcept("Vincent van Gogh");
      assertTrue(j3.describe().contains("top 3 of 129 classes"), j3.describe());
      for (int i = 0; i < 6; i++) {
        RgbImage img = image(i);
        top1[i] = j1.judge(img, "vincent-van-gogh").shows();
        top3[i] = j3.judge(img, "Vincent van Gogh").shows();
      }
    }
    assertEquals("[false, false, false, true, false, false]", java.util.Arrays.toString(top1));
    assertEquals("[false, true, true, true, true, true]", java.util.Arrays.toString(top3));
  }

  @Test
  void labelsLackingTheTargetAreAnError() {
    try (Judge j = Judge.open(JudgeSpec.parse("style:" + DIR), null, 1, null, 1)) {
      String m = assertThrows(UserError.class, () -> j.requireConcept("Hieronymus Bosch-like")).getMessage();
      assertEquals(DIR + ": the style classifier's 129 labels lack 'Hieronymus Bosch-like' (labels such as Unknown Artist,"
          + " boris-kustodiev, camille-pissarro, childe-hassam; UnlearnDiffAtk's target is vincent-van-gogh)", m);
    }
    assertTrue(assertThrows(UserError.class, () -> Judge.open(JudgeSpec.parse("style:" + DIR), null, 1, null, 0)).getMessage().contains("--top must be at least 1"));
  }
}
