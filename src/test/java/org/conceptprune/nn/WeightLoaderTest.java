package org.conceptprune.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.model.unet.UNet2DConditionConfig;
import org.conceptprune.model.unet.UNet2DConditionModel;
import org.conceptprune.runtime.Runtime;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding reports every missing key, unexpected key and shape mismatch in one error. */
class WeightLoaderTest {
  @TempDir Path tmp;

  @Test
  void allProblemsInOneError() {
    Path dir = Fixtures.tinySd().resolve("unet");
    Path bad = tmp.resolve("bad.safetensors");
    try (TensorSource src = ShardedSafetensors.open(dir)) {
      SafetensorsWriter w = new SafetensorsWriter();
      for (TensorInfo t : src.tensors().values()) {
        String k = t.name();
        if (k.equals("conv_in.bias") || k.equals("conv_out.weight")) continue; // missing
        if (k.equals("mid_block.attentions.0.transformer_blocks.0.ff.net.2.weight")) {
          w.addFloats(k, new long[] {64, 255}, new float[64 * 255]); // wrong shape
          continue;
        }
        w.add(k, t.dtype(), t.shape(), () -> src.bytes(k));
      }
      w.addFloats("extra.weight", new long[] {2}, new float[2]); // unexpected
      w.write(bad);
    }
    UNet2DConditionModel unet = new UNet2DConditionModel(UNet2DConditionConfig.read(dir.resolve("config.json")));
    try (NDManager m = Runtime.newManager(); SafetensorsFile f = SafetensorsFile.open(bad)) {
      UserError e = assertThrows(UserError.class, () -> WeightLoader.load("unet", unet, f, m, k -> false, DataType.FLOAT32));
      String msg = e.getMessage();
      assertTrue(msg.contains(bad.toString()), msg);
      assertTrue(msg.contains("2 missing keys") && msg.contains("conv_in.bias") && msg.contains("conv_out.weight"), msg);
      assertTrue(msg.contains("1 shape mismatches") && msg.contains("expected [64, 256], found [64, 255]"), msg);
      assertTrue(msg.contains("1 unexpected keys") && msg.contains("extra.weight"), msg);
    }
  }
}
