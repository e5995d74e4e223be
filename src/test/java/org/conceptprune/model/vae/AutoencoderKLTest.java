package org.conceptprune.model.vae;

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

class AutoencoderKLTest {
  @Test
  void decodeAndEncodeMatchDiffusers() {
    Path dir = Fixtures.tinySd().resolve("vae");
    AutoencoderKL vae = new AutoencoderKL(AutoencoderKLConfig.read(dir.resolve("config.json")));
    try (NDManager m = TorchRuntime.newManager();
        TensorSource w = ShardedSafetensors.open(dir);
        SafetensorsFile g = SafetensorsFile.open(Fixtures.golden("vae.safetensors"))) {
      WeightLoader.load("vae", vae, w, m, k -> false, DataType.FLOAT32);
      float[] z = g.floats("latent");
      var lat = m.create(z, new Shape(1, 4, 16, 16));
      Check.close("vae decoded", g.floats("decoded"), vae.decode(lat.div(0.18215f)).toFloatArray(), 1e-5);
      float[] img = vae.decodeToImage(lat).transpose(0, 3, 1, 2).toFloatArray();
      Check.close("vae image01", g.floats("image01"), img, 1e-5);
      var x = m.create(g.floats("enc_input"), new Shape(g.info("enc_input").shape()));
      AutoencoderKL.LatentDist d = vae.encode(x);
      Check.close("vae enc_mean", g.floats("enc_mean"), d.mean().toFloatArray(), 1e-5);
      Check.close("vae enc_std", g.floats("enc_std"), d.std().toFloatArray(), 1e-5);
    }
  }
}
