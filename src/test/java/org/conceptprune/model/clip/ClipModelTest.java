package org.conceptprune.model.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.nn.WeightLoader;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;

/** CLIPModel's get_image_features / get_text_features against transformers 4.57 (fixtures/eval). */
class ClipModelTest {
  static final Path DIR = Fixtures.path("fixtures/eval/clip-model");
  static final List<String> PROMPTS =
      List.of("a photo of a cat", "a painting in the style of Van Gogh", "an image of a tench", "a church");

  static double maxAbs(float[] a) {
    double m = 0;
    for (float v : a) m = Math.max(m, Math.abs(v));
    return m;
  }

  @Test
  void imageAndTextFeaturesMatchTransformers() {
    Path cfg = DIR.resolve("config.json");
    ClipModel model = new ClipModel(ClipTextConfig.read(cfg), ClipVisionConfig.read(cfg));
    assertEquals(32, model.vision.config.patchSize());
    assertEquals(16, model.vision.config.projectionDim());
    ClipTokenizer tok = ClipTokenizer.load(DIR);
    try (NDManager m = TorchRuntime.newManager();
        TensorSource w = ShardedSafetensors.open(DIR);
        SafetensorsFile g = SafetensorsFile.open(Fixtures.path("fixtures/eval/clip-golden.safetensors"))) {
      WeightLoader.load("clip", model, w, m, ClipModel::isBuffer, DataType.FLOAT32);
      assertEquals(100.0, model.logitScaleExp(), 1e-3); // logit_scale = ln 100

      float[] img = model.imageFeatures(m.create(g.floats("pixel_values"), new Shape(4, 3, 224, 224))).toFloatArray();
      float[] refImg = g.floats("image_embeds");
      Check.close("image_embeds", refImg, img, 1e-4 * maxAbs(refImg));

      long[] ids = new long[4 * 77];
      long[] mask = new long[4 * 77];
      for (int i = 0; i < 4; i++) {
        ClipTokenizer.Encoding e = tok.encode(PROMPTS.get(i));
        System.arraycopy(e.ids(), 0, ids, i * 77, 77);
        for (int j = 0; j < e.tokens().size(); j++) mask[i * 77 + j] = 1;
      }
      float[] refTxt = g.floats("text_embeds");
      float[] noMask = model.textFeatures(m.create(ids, new Shape(4, 77)), null).toFloatArray();
      Check.close("text_embeds (no attention_mask)", refTxt, noMask, 1e-4 * maxAbs(refTxt));
      float[] masked = model.textFeatures(m.create(ids, new Shape(4, 77)), mask).toFloatArray();
      Check.close("text_embeds (attention_mask)", refTxt, masked, 1e-4 * maxAbs(refTxt));
    }
  }

  /** fixtures/tiny-clip: 4 heads, MLP 37, logit_scale 2.6592; intermediate vision states from transformers. */
  @Test
  void tinyClipVisionStatesAndLogits() {
    Path dir = Fixtures.path("fixtures/tiny-clip");
    Path cfg = dir.resolve("config.json");
    ClipModel model = new ClipModel(ClipTextConfig.read(cfg), ClipVisionConfig.read(cfg));
    assertEquals(37, model.vision.config.intermediateSize());
    try (NDManager m = TorchRuntime.newManager();
        TensorSource w = ShardedSafetensors.open(dir.resolve("model.safetensors"));
        SafetensorsFile g = SafetensorsFile.open(Fixtures.path("fixtures/golden-clip/clip.safetensors"))) {
      WeightLoader.load("clip", model, w, m, ClipModel::isBuffer, DataType.FLOAT32);
      ClipVisionModel.Output v = model.vision.forward(m.create(g.floats("pixel_values"), new Shape(2, 3, 224, 224)));
      Check.close("vision_last_hidden_state", g.floats("vision_last_hidden_state"), v.lastHiddenState().toFloatArray(), 1e-5);
      Check.close("vision_pooled", g.floats("vision_pooled"), v.pooled().toFloatArray(), 1e-5);
      Check.close("image_features", g.floats("image_features"), v.imageEmbeds().toFloatArray(), 1e-5);
      float[] txt = model.textFeatures(m.create(g.longs("input_ids"), new Shape(3, 10)), g.longs("attention_mask")).toFloatArray();
      Check.close("text_features", g.floats("text_features"), txt, 1e-5);
      double scale = model.logitScaleExp();
      assertEquals(Math.exp(g.floats("logit_scale")[0]), scale, 1e-4);
      float[] img = v.imageEmbeds().toFloatArray();
      float[] logits = new float[6];
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          logits[i * 3 + j] = (float) (scale * org.conceptprune.eval.clip.ClipScores.cosine(
              java.util.Arrays.copyOfRange(img, i * 16, i * 16 + 16), java.util.Arrays.copyOfRange(txt, j * 16, j * 16 + 16)));
        }
      }
      Check.close("logits_per_image", g.floats("logits_per_image"), logits, 1e-5);
    }
  }

  @Test
  void wrongImageSizeIsAUserError() {
    Path cfg = DIR.resolve("config.json");
    ClipVisionModel vision = new ClipVisionModel(ClipVisionConfig.read(cfg));
    try (NDManager m = TorchRuntime.newManager()) {
      UserError e = assertThrows(UserError.class, () -> vision.forward(m.zeros(new Shape(1, 3, 200, 200))));
      assertTrue(e.getMessage().contains("[B, 3, 224, 224]") && e.getMessage().contains("[1, 3, 200, 200]"), e.getMessage());
    }
  }
}
