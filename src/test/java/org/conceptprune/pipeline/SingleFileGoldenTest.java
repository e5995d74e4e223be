package org.conceptprune.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Map;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.checkpoint.SdArch;
import org.conceptprune.model.checkpoint.SingleFile;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.model.unet.UNet2DConditionConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diffusers goldens reproduce from a single-file copy of the tiny fixture. */
class SingleFileGoldenTest {
  @TempDir Path tmp;

  @Test
  void goldensFromTheSingleFileCopy() {
    Path folder = Fixtures.tinySd();
    Path single = tmp.resolve("tiny-sd.safetensors");
    try (TensorSource u = ShardedSafetensors.open(folder.resolve("unet"));
        TensorSource v = ShardedSafetensors.open(folder.resolve("vae"));
        TensorSource t = ShardedSafetensors.open(folder.resolve("text_encoder"))) {
      SingleFile.write(single, Map.of(Component.UNET, u, Component.VAE, v, Component.TEXT_ENCODER, t),
          UNet2DConditionConfig.read(folder.resolve("unet/config.json")), SdArch.SD1);
    }
    try (StableDiffusion sd = StableDiffusion.load(single, folder);
        SafetensorsFile g = SafetensorsFile.open(Fixtures.golden("unet.safetensors"));
        SafetensorsFile te = SafetensorsFile.open(Fixtures.golden("text_encoder.safetensors"));
        NDManager s = sd.manager.newSubManager()) {
      var x = s.create(g.floats("sample"), new Shape(2, 4, 16, 16));
      var ctx = s.create(g.floats("encoder_hidden_states"), new Shape(2, 77, 32));
      Check.close("single-file unet out_t500", g.floats("out_t500"),
          sd.unet.forward(x, s.create(new long[] {500}, new Shape(1)), ctx, null).toFloatArray(), 1e-5);
      var ids = s.create(te.longs("input_ids"), new Shape(6, 77));
      Check.close("single-file text encoder", te.floats("last_hidden_state"), sd.textEncoder.forward(ids).lastHiddenState().toFloatArray(), 1e-5);
    }
  }
}
