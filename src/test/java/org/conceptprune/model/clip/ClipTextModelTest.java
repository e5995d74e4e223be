package org.conceptprune.model.clip;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.nn.WeightLoader;
import org.conceptprune.runtime.TorchRuntime;
import org.junit.jupiter.api.Test;

class ClipTextModelTest {
  @Test
  void sd1TextEncoderMatchesTransformers() {
    Path dir = Fixtures.tinySd().resolve("text_encoder");
    ClipTextModel model = new ClipTextModel(ClipTextConfig.read(dir.resolve("config.json")));
    try (NDManager m = TorchRuntime.newManager();
        TensorSource w = ShardedSafetensors.open(dir);
        SafetensorsFile g = SafetensorsFile.open(Fixtures.golden("text_encoder.safetensors"))) {
      WeightLoader.load("text_encoder", model, w, m, ClipTextModel::isBuffer, DataType.FLOAT32);
      long[] ids = g.longs("input_ids");
      ClipTextModel.Output out = model.forward(m.create(ids, new Shape(6, 77)));
      Check.close("last_hidden_state", g.floats("last_hidden_state"), out.lastHiddenState().toFloatArray(), 1e-5);
      Check.close("pooler_output", g.floats("pooler_output"), out.pooled().toFloatArray(), 1e-5);
      for (int i = 0; i <= 5; i++) {
        Check.close("hidden_states." + i, g.floats("hidden_states." + i), out.hiddenStates().get(i).toFloatArray(), 1e-5);
      }
    }
  }

  @Test
  void clipTextTowerWithPaddingMaskAndProjection() {
    Path dir = Fixtures.path("fixtures/tiny-clip");
    ClipTextConfig c = ClipTextConfig.read(dir.resolve("config.json"));
    ClipTextModel model = new ClipTextModel(c);
    try (NDManager m = TorchRuntime.newManager();
        TensorSource w = ShardedSafetensors.open(dir.resolve("model.safetensors"));
        SafetensorsFile g = SafetensorsFile.open(Fixtures.path("fixtures/golden-clip/clip.safetensors"))) {
      WeightLoader.load("clip", model, w, m,
          k -> ClipTextModel.isBuffer(k) || k.startsWith("vision_model.") || k.startsWith("visual_projection") || k.equals("logit_scale"),
          DataType.FLOAT32);
      long[] ids = g.longs("input_ids");
      long[] mask = g.longs("attention_mask");
      ClipTextModel.Output out = model.forward(m.create(ids, new Shape(3, 10)), mask);
      Check.close("text_last_hidden_state", g.floats("text_last_hidden_state"), out.lastHiddenState().toFloatArray(), 1e-5);
      Check.close("text_pooled", g.floats("text_pooled"), out.pooled().toFloatArray(), 1e-5);
      Check.close("text_features", g.floats("text_features"), out.textEmbeds().toFloatArray(), 1e-5);
    }
  }
}
