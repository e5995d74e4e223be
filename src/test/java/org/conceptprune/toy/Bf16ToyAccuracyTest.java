package org.conceptprune.toy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.toy.ToyEval.Acc;
import org.conceptprune.toy.ToyEval.Item;
import org.conceptprune.toy.ToyEval.Judged;
import org.junit.jupiter.api.Test;

/**
 * bf16 fidelity where the toy model's results are read (issue 14): the shipped toy model generates
 * the same 96 images (every object x style pair, seeds of their own) with its UNet in fp32 and in
 * bf16, the shipped judge labels both sets, and the judged object and style accuracies differ by at
 * most 2 points. The text encoder and the VAE are fp32 in both runs; only the UNet differs.
 */
class Bf16ToyAccuracyTest {
  static final double MAX_DIFFERENCE = 0.02;
  // Measured (1 thread) on the shipped model F2: fp32 object 0.781, style 0.979; bf16 the same; 2 of
  // the 96 object labels and 0 style labels differ; images differ by up to 0.071 per pixel (F1 before
  // it: 0.771 / 0.979, 0 labels differ, 0.043; m4: 0.583 / 0.979, 0.051). Chance is 1/6 and 1/16; zeroing every ff.net.2 weight leaves about
  // 0.27 / 0.34 (docs/TOY-MODEL.md).
  static final double MIN_FP32_OBJECT = 0.45;
  static final double MIN_FP32_STYLE = 0.9;
  /** Chunks of 64 images draw their latents from SEED and SEED + 1; no other test uses them. */
  static final long SEED = 1414;

  @Test
  void judgedAccuracyOfTheBf16UNetIsWithinTwoPointsOfFp32() {
    assumeTrue(ToyModel.bundledAvailable(), "no shipped toy model");
    Path dir = ToyModel.extractBundled();
    List<Item> items = ToyEval.allPairs(1); // [96]: 6 objects x 16 styles, the two templates alternating
    ToyEval.Sampling s = ToyEval.Sampling.defaults();
    Judged fp32;
    Judged bf16;
    try (ToyJudge judge = ToyJudge.loadBundled()) {
      try (StableDiffusion sd = StableDiffusion.loadFolder(dir, DataType.FLOAT32)) {
        fp32 = ToyEval.run(sd, judge, items, SEED, s);
      }
      try (StableDiffusion sd = StableDiffusion.loadFolder(dir, DataType.BFLOAT16)) {
        bf16 = ToyEval.run(sd, judge, items, SEED, s);
      }
    }
    Acc a = fp32.acc();
    Acc b = bf16.acc();
    int objectFlips = 0;
    int styleFlips = 0;
    for (int i = 0; i < items.size(); i++) {
      if (fp32.result().object()[i] != bf16.result().object()[i]) objectFlips++;
      if (fp32.result().style()[i] != bf16.result().style()[i]) styleFlips++;
    }
    double maxPixel = 0;
    for (int i = 0; i < fp32.images().length; i++) maxPixel = Math.max(maxPixel, Math.abs(fp32.images()[i] - bf16.images()[i]));
    String report = String.format(Locale.ROOT, "%d images: fp32 %s, bf16 %s; labels that differ: object %d, style %d;"
        + " max pixel difference %.3f", items.size(), a.fmt(), b.fmt(), objectFlips, styleFlips, maxPixel);
    System.out.println(report);
    assertTrue(items.size() >= 96, report);
    // The bf16 UNet really ran: its images are not the fp32 ones (8-bit pixels, so a difference is >= 1/255).
    assertTrue(maxPixel > 0, report);
    // The fp32 images show what was asked, so agreement is not agreement on noise.
    assertTrue(a.object() >= MIN_FP32_OBJECT && a.style() >= MIN_FP32_STYLE, report);
    assertTrue(Math.abs(a.object() - b.object()) <= MAX_DIFFERENCE, "object accuracy: " + report);
    assertTrue(Math.abs(a.style() - b.style()) <= MAX_DIFFERENCE, "style accuracy: " + report);
  }
}
