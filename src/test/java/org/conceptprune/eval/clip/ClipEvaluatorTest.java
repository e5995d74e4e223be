package org.conceptprune.eval.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLIP score path from PNG files to numbers, against transformers 4.57 + torchmetrics (fixtures/eval). */
class ClipEvaluatorTest {
  static final Path DIR = Fixtures.path("fixtures/eval/clip-model");
  static final List<String> PROMPTS =
      List.of("a photo of a cat", "a painting in the style of Van Gogh", "an image of a tench", "a church");
  static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  static ClipEvaluator clip;
  static SafetensorsFile golden;

  @BeforeAll
  static void load() {
    clip = ClipEvaluator.load(DIR);
    golden = SafetensorsFile.open(Fixtures.path("fixtures/eval/clip-golden.safetensors"));
  }

  @AfterAll
  static void close() {
    clip.close();
    golden.close();
  }

  static List<RgbImage> pictures() {
    List<RgbImage> l = new ArrayList<>();
    for (int i = 0; i < 4; i++) l.add(RgbImage.read(Fixtures.path("fixtures/eval/images/img" + i + ".png")));
    return l;
  }

  static double maxAbs(float[] a) {
    double m = 0;
    for (float v : a) m = Math.max(m, Math.abs(v));
    return m;
  }

  @Test
  void pngToScoresMatchTransformers() {
    float[] pixels = clip.pixelValues(pictures());
    float[] refPixels = golden.floats("pixel_values");
    assertEquals(refPixels.length, pixels.length);
    // In uint8 steps: |delta| * std * 255 (normalisation divides by std).
    double steps = 0;
    int hw = 224 * 224;
    for (int i = 0; i < pixels.length; i++) {
      int c = (i / hw) % 3;
      steps = Math.max(steps, Math.abs(pixels[i] - refPixels[i]) * CLIP_STD[c] * 255);
    }
    System.out.printf(Locale.ROOT, "[golden] pixel_values: max %.4f uint8 steps%n", steps);
    assertTrue(steps <= 1.0 + 1e-3, "pixel_values differ by " + steps + " uint8 steps");

    float[] img = clip.imageEmbeds(pixels);
    float[] refImg = golden.floats("image_embeds");
    Check.close("image_embeds (from PNG)", refImg, img, 1e-4 * maxAbs(refImg));
    float[] txt = clip.textEmbeds(PROMPTS);
    float[] refTxt = golden.floats("text_embeds");
    Check.close("text_embeds", refTxt, txt, 1e-4 * maxAbs(refTxt));

    int d = clip.projectionDim();
    double[] cos = ClipScores.pairedCosine(img, txt, d);
    float[] cosF = new float[4];
    float[] score = new float[4];
    for (int i = 0; i < 4; i++) {
      cosF[i] = (float) cos[i];
      score[i] = (float) ClipScores.clipScore(cos[i]);
    }
    Check.close("cosine", golden.floats("cosine"), cosF, 1e-5);
    Check.close("clip_score", golden.floats("clip_score"), score, 1e-3);

    double[][] logits = ClipScores.logitsPerImage(img, txt, d, clip.logitScale());
    float[] flat = new float[16];
    for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) flat[i * 4 + j] = (float) logits[i][j];
    Check.close("logits_per_image", golden.floats("logits_per_image"), flat, 1e-3);
  }

  @Test
  void zeroShotPicksTheGoldenArgmax() {
    float[] ref = golden.floats("logits_per_image"); // [image, prompt]
    ClipEvaluator.ZeroShot z = clip.zeroShot(pictures(), PROMPTS, "{}");
    assertEquals(PROMPTS, z.prompts());
    int[] expected = new int[4];
    float[] refProbs = new float[16];
    float[] probs = new float[16];
    for (int i = 0; i < 4; i++) {
      double[] row = new double[4];
      for (int j = 0; j < 4; j++) row[j] = ref[i * 4 + j];
      expected[i] = ClipScores.argmax(row);
      double[] p = ClipScores.softmax(row);
      for (int j = 0; j < 4; j++) {
        refProbs[i * 4 + j] = (float) p[j];
        probs[i * 4 + j] = (float) z.probs()[i][j];
      }
    }
    System.out.println("[golden] zero-shot argmax " + java.util.Arrays.toString(expected) + " got "
        + java.util.Arrays.toString(z.predicted()));
    assertArrayEquals(expected, z.predicted());
    Check.close("zero-shot probs", refProbs, probs, 1e-4);
  }

  @Test
  void templateFillsTheClassName() {
    assertEquals(List.of("a photo of the cat", "a photo of the church"),
        ClipEvaluator.prompts(List.of("cat", "church"), ClipEvaluator.DEFAULT_TEMPLATE));
    UserError e = assertThrows(UserError.class, () -> ClipEvaluator.prompts(List.of("cat"), "a photo"));
    assertTrue(e.getMessage().contains("has no {}"), e.getMessage());
  }

  /** A copy of the fixture folder (links) without the named files. */
  static Path folderWithout(Path tmp, String... drop) throws IOException {
    List<String> skip = List.of(drop);
    try (var s = Files.list(DIR)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        if (!skip.contains(f.getFileName().toString())) Files.createSymbolicLink(tmp.resolve(f.getFileName()), f);
      }
    }
    return tmp;
  }

  @Test
  void missingPreprocessorConfigIsOneClearError(@TempDir Path tmp) throws IOException {
    Path dir = folderWithout(tmp, "preprocessor_config.json");
    UserError e = assertThrows(UserError.class, () -> ClipEvaluator.load(dir));
    assertEquals(dir + ": no preprocessor_config.json (CLIP's image preprocessing settings; it comes with the model"
        + " on the Hugging Face hub, e.g. openai/clip-vit-large-patch14)", e.getMessage());
  }

  /** Sharded weights (model.safetensors.index.json) with an old position_ids buffer load the same model. */
  @Test
  void shardedWeightsWithBuffersLoad(@TempDir Path tmp) throws IOException {
    Path dir = folderWithout(tmp, "model.safetensors");
    SafetensorsWriter w = new SafetensorsWriter();
    try (SafetensorsFile src = SafetensorsFile.open(DIR.resolve("model.safetensors"))) {
      for (TensorInfo t : src.tensors().values()) {
        java.nio.ByteBuffer b = src.bytes(t.name());
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        w.addBytes(t.name(), t.dtype(), t.shape(), copy);
      }
    }
    long[] ids = new long[50];
    for (int i = 0; i < 50; i++) ids[i] = i;
    w.addLongs("vision_model.embeddings.position_ids", new long[] {1, 50}, ids);
    List<Path> files = w.writeSharded(dir, "model", 2L << 20);
    assertTrue(files.size() > 2, "expected several shards, got " + files);
    try (ClipEvaluator sharded = ClipEvaluator.load(dir)) {
      float[] ref = golden.floats("image_embeds");
      Check.close("image_embeds (sharded)", ref, sharded.imageEmbeds(golden.floats("pixel_values")), 1e-4 * maxAbs(ref));
    }
  }

  @Test
  void otherModelKindsAreRefused(@TempDir Path tmp) {
    Path textOnly = Fixtures.tinySd().resolve("text_encoder");
    UserError e = assertThrows(UserError.class, () -> ClipEvaluator.load(textOnly));
    assertTrue(e.getMessage().contains("not a CLIPModel config"), e.getMessage());
    UserError sd = assertThrows(UserError.class, () -> ClipEvaluator.load(Fixtures.tinySd()));
    assertTrue(sd.getMessage().contains("no config.json; expected a transformers CLIPModel folder"), sd.getMessage());
    UserError none = assertThrows(UserError.class, () -> ClipEvaluator.load(tmp.resolve("nope")));
    assertTrue(none.getMessage().endsWith("nope: no such model folder"), none.getMessage());
  }

  @Test
  void scoresOnHandMadeVectors() {
    assertEquals(1.0, ClipScores.cosine(new float[] {1, 2, 3}, new float[] {2, 4, 6}), 1e-12);
    assertEquals(0.0, ClipScores.cosine(new float[] {1, 0}, new float[] {0, 5}), 1e-12);
    assertEquals(-1.0, ClipScores.cosine(new float[] {1, 1}, new float[] {-3, -3}), 1e-12);
    assertEquals(30.0, ClipScores.clipScore(0.3), 1e-12);
    assertEquals(0.0, ClipScores.clipScore(-0.2), 0);
    // torchmetrics: the mean of 100 cos before the clamp: (30 - 20) / 2 = 5, not (30 + 0) / 2.
    assertEquals(5.0, ClipScoreState.EMPTY.update(0.3, -0.2).compute(), 1e-12);
    assertEquals(5.0, ClipScoreState.EMPTY.update(0.3).merge(ClipScoreState.EMPTY.update(-0.2)).compute(), 1e-12);
    assertEquals(0.0, ClipScoreState.EMPTY.update(-0.3, 0.1).compute(), 0);
    double[] p = ClipScores.softmax(new double[] {0, Math.log(3)});
    assertEquals(0.25, p[0], 1e-12);
    assertEquals(0.75, p[1], 1e-12);
    assertEquals(1, ClipScores.argmax(new double[] {1, 5, 5}));
  }
}
