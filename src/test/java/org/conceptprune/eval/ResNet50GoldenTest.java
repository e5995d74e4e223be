package org.conceptprune.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.image.ImageNetTransforms;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** torchvision resnet50 with the README's procedural weights (seed 1) against its golden logits. */
class ResNet50GoldenTest {
  private static final int N = 4;
  private static float[] goldenPixels;
  private static float[] goldenLogits;

  @BeforeAll
  static void readGolden() {
    try (SafetensorsFile g = SafetensorsFile.open(Fixtures.path("fixtures/eval/resnet50-golden.safetensors"))) {
      assertArrayEquals(new long[] {N, 1000}, g.info("logits").shape());
      goldenPixels = g.floats("pixel_values");
      goldenLogits = g.floats("logits");
    }
  }

  @Test
  void moduleTreeIsTorchvisionStateDict() {
    ResNet50 model = new ResNet50(1000);
    try (ProceduralSource keys = ProceduralSource.fromKeysJson(Fixtures.path("fixtures/eval/resnet50-keys.json"), 1)) {
      Map<String, TensorInfo> expected = keys.tensors();
      assertEquals(expected.keySet(), model.parameters().keySet());
      model.parameters().forEach((k, p) -> assertArrayEquals(expected.get(k).shape(), p.shape(), k));
      assertEquals(25_557_032L, model.parameterCount() - runningStats(model));
    }
  }

  @Test
  void logitsMatchTorchvision() {
    try (NDManager m = TorchRuntime.newManager(); TensorSource w = ProceduralSource.of(new ResNet50(1000), 1)) {
      ResNet50 model = ResNet50.load(w, m, DataType.FLOAT32);
      long t0 = System.nanoTime();
      float[] logits = model.forward(m.create(goldenPixels, new Shape(N, 3, 224, 224))).toFloatArray();
      System.out.printf("[timing] resnet50 forward of %d pictures: %.2f s%n", N, (System.nanoTime() - t0) / 1e9);
      double scale = maxAbs(goldenLogits);
      Check.close("resnet50 logits", goldenLogits, logits, 1e-4 * scale);

      // the whole path: PNG -> IMAGENET1K_V2 transforms -> logits
      float[] px = new float[goldenPixels.length];
      int per = 3 * 224 * 224;
      for (int i = 0; i < N; i++) {
        RgbImage img = RgbImage.read(Fixtures.path("fixtures/eval/images/img" + i + ".png"));
        System.arraycopy(ImageNetTransforms.apply(img), 0, px, i * per, per);
      }
      NDArray x = m.create(px, new Shape(N, 3, 224, 224));
      Check.close("resnet50 logits from PNG", goldenLogits, model.forward(x).toFloatArray(), 1e-4 * scale);
    }
  }

  @Test
  void otherModelIsRefusedInOneLine() {
    try (NDManager m = TorchRuntime.newManager();
        SafetensorsFile clip = SafetensorsFile.open(Fixtures.path("fixtures/eval/clip-model/model.safetensors"))) {
      UserError e = assertThrows(UserError.class, () -> ResNet50.load(clip, m, DataType.FLOAT32));
      System.out.println("[error] " + e.getMessage());
      assertTrue(e.getMessage().contains("not a torchvision ResNet-50 state dict"), e.getMessage());
      assertTrue(e.getMessage().contains("conv1.weight"), e.getMessage());
      assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void proceduralRecipeFollowsTheReadme() {
    // hand-computed from the README recipe for the first element of each kind (seed 1)
    float[] var = ProceduralWeights.values("bn1.running_var", new long[] {64}, 1);
    float[] scale = ProceduralWeights.values("bn1.weight", new long[] {64}, 1);
    float[] conv = ProceduralWeights.values("conv1.weight", new long[] {64, 3, 7, 7}, 1);
    for (float v : var) assertTrue(v >= 0.5f && v < 1.5f);
    for (float v : scale) assertTrue(v >= 0.9f && v < 1.1f);
    double bound = 1 / Math.sqrt(3 * 49);
    for (float v : conv) assertTrue(Math.abs(v) <= bound);
    assertEquals(reference("bn1.running_var", 1, 0), var[0]);
    assertEquals(reference("conv1.weight", 1, 5) * 2 - 1, conv[5] * Math.sqrt(3 * 49), 1e-6);
  }

  /** u_i of the README, written out independently of ProceduralWeights. */
  private static float reference(String name, long seed, int i) {
    long h = 0xCBF29CE484222325L;
    for (byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8)) h = (h ^ (b & 0xff)) * 0x100000001B3L;
    long x = (h ^ seed) + (i + 1L) * 0x9E3779B97F4A7C15L;
    x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
    x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
    x = x ^ (x >>> 31);
    double u = (x >>> 40) / (double) (1 << 24);
    return name.endsWith("running_var") ? (float) (0.5 + u) : (float) u;
  }

  private static long runningStats(ResNet50 model) {
    long n = 0;
    for (var e : model.parameters().entrySet()) if (e.getKey().contains("running_")) n += e.getValue().numel();
    return n;
  }

  private static double maxAbs(float[] a) {
    double s = 0;
    for (float v : a) s = Math.max(s, Math.abs(v));
    return s;
  }
}
