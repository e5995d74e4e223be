package org.conceptprune.toy.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.toy.Caption;
import org.conceptprune.toy.World;
import org.conceptprune.toy.train.Losses;
import org.junit.jupiter.api.Test;

class ContrastiveLossTest {

  @Test
  void withOnePositivePerRowItIsClipsCrossEntropyLoss() {
    int b = 5;
    float[] logits = randomLogits(b, 7);
    float[] eye = new float[b * b];
    for (int i = 0; i < b; i++) eye[i * b + i] = 1f;
    int[] diagonal = {0, 1, 2, 3, 4};
    try (NDManager m = TorchRuntime.newManager()) {
      NDArray l = m.create(logits, new Shape(b, b));
      float ours = ContrastiveLoss.loss(l, m.create(eye, new Shape(b, b))).getFloat();
      // CLIP: (CE(logits_per_image, arange) + CE(logits_per_text, arange)) / 2
      float clip = (Losses.crossEntropy(l, diagonal).getFloat() + Losses.crossEntropy(l.transpose(), diagonal).getFloat()) / 2;
      System.out.printf("one positive per row: ours %.7f, CLIP's %.7f%n", ours, clip);
      assertEquals(clip, ours, 1e-5);
    }
  }

  @Test
  void severalPositivesSumTheirProbabilities() {
    int b = 4;
    float[] logits = randomLogits(b, 11);
    float[] fits = new float[b * b];
    for (int i = 0; i < b; i++) fits[i * b + i] = 1f;
    fits[0 * b + 2] = 1f; // caption 2 also fits image 0
    fits[3 * b + 1] = 1f; // caption 1 also fits image 3
    double expect = 0;
    for (int i = 0; i < b; i++) expect += -Math.log(positiveMass(logits, fits, b, i, true)) / b / 2;
    for (int j = 0; j < b; j++) expect += -Math.log(positiveMass(logits, fits, b, j, false)) / b / 2;
    try (NDManager m = TorchRuntime.newManager()) {
      float ours = ContrastiveLoss.loss(m.create(logits, new Shape(b, b)), m.create(fits, new Shape(b, b))).getFloat();
      System.out.printf("two extra positives: ours %.7f, direct sum %.7f%n", ours, expect);
      assertEquals(expect, ours, 1e-5);
    }
  }

  /** softmax mass on the fitting entries of row i (image -> text) or column i (text -> image). */
  private static double positiveMass(float[] l, float[] fits, int b, int i, boolean row) {
    double all = 0;
    double pos = 0;
    for (int k = 0; k < b; k++) {
      int idx = row ? i * b + k : k * b + i;
      double e = Math.exp(l[idx]);
      all += e;
      if (fits[idx] > 0) pos += e;
    }
    return pos / all;
  }

  @Test
  void aCaptionFitsWhatItNames() {
    int star = World.classic().objectIndex("star");
    int zorbly = World.classic().styleIndex("zorbly");
    Caption full = World.classic().caption(star, zorbly, Caption.Template.STYLE_OBJECT);
    Caption objectOnly = World.classic().caption(star, zorbly, Caption.Template.OBJECT_ONLY);
    Caption styleOnly = World.classic().caption(star, zorbly, Caption.Template.STYLE_SHAPE);
    assertTrue(ContrastiveLoss.fits(full, star, zorbly));
    assertFalse(ContrastiveLoss.fits(full, star, zorbly + 1));
    assertTrue(ContrastiveLoss.fits(objectOnly, star, zorbly + 1));
    assertFalse(ContrastiveLoss.fits(objectOnly, star + 1, zorbly));
    assertTrue(ContrastiveLoss.fits(styleOnly, star + 1, zorbly));
    assertFalse(ContrastiveLoss.fits(styleOnly, star, zorbly + 1));
  }

  private static float[] randomLogits(int b, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] l = new float[b * b];
    for (int i = 0; i < l.length; i++) l[i] = (float) (10 * (2 * r.nextDouble() - 1));
    return l;
  }
}
