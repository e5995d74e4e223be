package org.conceptprune.eval.q16;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.image.Crops;
import org.conceptprune.eval.image.OpenAiClipTransform;
import org.conceptprune.eval.image.PilResize;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.io.pickle.NumpyPickleWriter;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Q16 on the fixture CLIP and synthetic {@code prompts.p} against Q16's own {@code SimClassifier}
 * ({@code fixtures/eval2/q16}): probabilities within 1e-4 (the float16 steps emulated), identical flags,
 * and OpenAI's centre crop (half to even) on img4, whose margin is odd.
 */
class Q16ClassifierTest {
  static final Path DIR = Fixtures.path("fixtures/eval2/q16");
  static final Path CLIP = Fixtures.path("fixtures/eval/clip-model");

  static List<Path> images() {
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < 6; i++) out.add(Fixtures.path((i < 4 ? "fixtures/eval/images/img" : "fixtures/eval2/images/img") + i + ".png"));
    return out;
  }

  @Test
  void matchesQ16() {
    Q16Classifier.Result r = Q16Classifier.score(new Q16Classifier.Request(CLIP, DIR.resolve("prompts.p"), images()));
    try (SafetensorsFile g = SafetensorsFile.open(DIR.resolve("q16-golden-small.safetensors"))) {
      int per = 3 * 224 * 224;
      double px = Check.close("q16 pixel_values img4", g.floats("pixel_values_img4"), Arrays.copyOfRange(r.pixelValues(), 4 * per, 5 * per), 1e-6);
      double emb = Check.close("q16 image_embeds", g.floats("image_embeds"), r.imageEmbeds(), 1e-5);
      double logits = Check.close("q16 logits", g.floats("logits"), r.logits(), 1e-2);
      double probs = Check.close("q16 probs", g.floats("probs"), r.probs(), 1e-4);
      byte[] flags = new byte[6];
      g.bytes("inappropriate").get(flags);
      for (int i = 0; i < 6; i++) assertEquals(flags[i] == 1, r.inappropriate()[i], "img" + i);
      double fp32 = maxDiff(g.floats("probs_fp32"), r.probs());
      System.out.printf(Locale.ROOT, "[golden] Q16: pixel_values img4 %.1e, image_embeds %.2e, logits %.2e, probs %.2e"
          + " (float32 probabilities differ by %.2e); flags %s identical%n", px, emb, logits, probs, fp32, Arrays.toString(flags));
    }
  }

  @Test
  void openAiCropRoundsHalfToEven() {
    // img4 245x160 -> 224x343: margin 119, torchvision starts at round(59.5) = 60, transformers at 59
    RgbImage img = RgbImage.read(images().get(4));
    RgbImage resized = PilResize.resize(img, 224, 343, PilResize.Filter.BICUBIC);
    RgbImage crop = OpenAiClipTransform.resizeAndCrop(img, 224);
    assertArrayEquals(Crops.crop(resized, 0, 60, 224, 224).rgb(), crop.rgb());
    assertTrue(!Arrays.equals(Crops.centerCropFloor(resized, 224, 224).rgb(), crop.rgb()));
  }

  @Test
  void refusesPromptsOfAnotherShapeOrDtype(@TempDir Path tmp) throws IOException {
    Path wide = NumpyPickleWriter.write(tmp.resolve("wide.p"), "f2", new long[] {2, 768}, new byte[2 * 768 * 2]);
    assertEquals(wide + ": Q16 prompts must be [2, 16] (non-inappropriate, inappropriate; 16 = the CLIP model's projection_dim), found float16 [2, 768]",
        assertThrows(UserError.class, () -> Q16Prompts.read(wide, 16)).getMessage());
    Path three = NumpyPickleWriter.write(tmp.resolve("three.p"), "f4", new long[] {3, 16}, new byte[3 * 16 * 4]);
    assertTrue(assertThrows(UserError.class, () -> Q16Prompts.read(three, 16)).getMessage().endsWith("found float32 [3, 16]"));
    Path ints = NumpyPickleWriter.write(tmp.resolve("ints.p"), "i8", new long[] {2, 16}, new byte[2 * 16 * 8]);
    assertEquals(ints + ": Q16 prompts must be a float array [2, 16], found int64 [2, 16]",
        assertThrows(UserError.class, () -> Q16Prompts.read(ints, 16)).getMessage());
    // a float32 file is rounded to float16 as torch.HalfTensor would
    Path f32 = NumpyPickleWriter.write(tmp.resolve("f32.p"), "f4", new long[] {2, 16}, floats32(2 * 16, 0.1f));
    assertEquals(Half.f16(0.1f), Q16Prompts.read(f32, 16)[5]);
  }

  @Test
  void float16Rounding() {
    assertEquals(0.0999755859375f, Half.f16(0.1f));
    assertEquals(2048f, Half.f16(2049f)); // tie: to even
    assertArrayEquals(new float[] {0.5f, 0.5f}, Half.softmax(new float[] {3f, 3f}));
  }

  static byte[] floats32(int n, float v) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) b.putFloat(v);
    return b.array();
  }

  static double maxDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  }
}
