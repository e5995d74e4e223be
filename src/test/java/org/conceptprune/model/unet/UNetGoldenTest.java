package org.conceptprune.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.WeightLoader;
import org.conceptprune.runtime.TorchRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UNetGoldenTest {
  static NDManager m;
  static UNet2DConditionModel unet;
  static SafetensorsFile g;

  @BeforeAll
  static void load() {
    Path dir = Fixtures.tinySd().resolve("unet");
    m = TorchRuntime.newManager();
    unet = new UNet2DConditionModel(UNet2DConditionConfig.read(dir.resolve("config.json")));
    try (TensorSource w = ShardedSafetensors.open(dir)) {
      WeightLoader.load("unet", unet, w, m, k -> false, DataType.FLOAT32);
    }
    g = SafetensorsFile.open(Fixtures.golden("unet.safetensors"));
  }

  @AfterAll
  static void close() {
    g.close();
    m.close();
  }

  private NDArray run(NDManager s, int t) {
    NDArray sample = s.create(g.floats("sample"), new Shape(2, 4, 16, 16));
    NDArray ctx = s.create(g.floats("encoder_hidden_states"), new Shape(2, 77, 32));
    return unet.forward(sample, s.create(new long[] {t}, new Shape(1)), ctx, null);
  }

  @Test
  void outputsAtThreeTimesteps() {
    for (int t : new int[] {999, 500, 1}) {
      try (NDManager s = m.newSubManager()) {
        Check.close("unet out_t" + t, g.floats("out_t" + t), run(s, t).toFloatArray(), 1e-5);
      }
    }
  }

  @Test
  void everyFfn2InputAtT500() {
    Map<String, float[]> seen = new HashMap<>();
    Map<String, Linear> layers = unet.ffn2Layers();
    org.junit.jupiter.api.Assertions.assertEquals(6, layers.size());
    layers.forEach((k, l) -> l.setProbe(x -> seen.put(k, x.toFloatArray())));
    try (NDManager s = m.newSubManager();
        SafetensorsFile dbg = SafetensorsFile.open(Fixtures.golden("unet_debug_t500.safetensors"))) {
      run(s, 500);
      for (String k : layers.keySet()) {
        Check.close("ffin." + k, dbg.floats("ffin." + k), seen.get(k), 1e-5);
      }
    } finally {
      layers.values().forEach(l -> l.setProbe(null));
    }
  }
}
