package org.conceptprune.prune;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TextToImage;
import org.conceptprune.schedule.SchedulerKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pruned UNets and pruned pipelines against diffusers with the same weights zeroed. */
class PrunedModelGoldenTest {
  static StableDiffusion sd;

  @BeforeAll
  static void load() {
    sd = StableDiffusion.loadFolder(Fixtures.tinySd());
  }

  @AfterAll
  static void close() {
    sd.close();
  }

  static MaskSet masks(SafetensorsFile f, String prefix) {
    MaskSet m = new MaskSet();
    for (String layer : sd.unet.ffn2Layers().keySet()) {
      var info = f.info(prefix + layer);
      int[] s = info.intShape();
      m.put(layer, LayerMask.fromU8(s[0], s[1], TensorCodec.toBytes(f.bytes(prefix + layer))));
    }
    return m;
  }

  float[] unetAt500(SafetensorsFile in) {
    try (NDManager s = sd.manager.newSubManager()) {
      var x = s.create(in.floats("sample"), new Shape(2, 4, 16, 16));
      var ctx = s.create(in.floats("encoder_hidden_states"), new Shape(2, 77, 32));
      return sd.unet.forward(x, s.create(new long[] {500}, new Shape(1)), ctx, null).toFloatArray();
    }
  }

  @Test
  void conceptPruneMaskedUnet() {
    try (var g = SafetensorsFile.open(Fixtures.path("fixtures/conceptprune-sd1/pruned_unet.safetensors"));
        var mf = SafetensorsFile.open(Fixtures.path("fixtures/conceptprune-sd1/masks.safetensors"));
        var applied = Pruner.apply(sd.unet, masks(mf, "A.tokennorm.k0.02.that10."))) {
      Check.close("pruned unet out_t500", g.floats("out_t500"), unetAt500(g), 1e-5);
    }
  }

  @Test
  void neuronAndElementMasksOfTheOracle() {
    try (var g = SafetensorsFile.open(Fixtures.golden("unet_pruned.safetensors"));
        var in = SafetensorsFile.open(Fixtures.golden("unet.safetensors"))) {
      for (String kind : List.of("neuron", "elem")) {
        try (var applied = Pruner.apply(sd.unet, masks(g, "mask_" + kind + "."))) {
          Check.close(kind + ".out_t500", g.floats(kind + ".out_t500"), unetAt500(in), 1e-5);
        }
      }
      Check.close("restored unet out_t500", in.floats("out_t500"), unetAt500(in), 1e-5);
    }
  }

  @Test
  void prunedDdimPipeline() {
    try (var g = SafetensorsFile.open(Fixtures.path("fixtures/conceptprune-sd1/pruned_pipeline_DDIM.safetensors"));
        var mf = SafetensorsFile.open(Fixtures.path("fixtures/conceptprune-sd1/masks.safetensors"));
        var applied = Pruner.apply(sd.unet, masks(mf, "A.tokennorm.k0.02.that10."))) {
      var req = new TextToImage.Request(List.of("a cat in the style of Van Gogh", "a photo of a cat"), null, 10, 7.5,
          SchedulerKind.DDIM, 0, 0, 0, g.floats("initial_latents"), true);
      TextToImage.Result r = TextToImage.run(sd, req, new TextToImage.Listener() {});
      Check.close("pruned DDIM image", g.floats("image"), r.images(), 1e-4);
    }
  }

  @Test
  void oracleNeuronPrunedDdimPipeline() {
    try (var g = SafetensorsFile.open(Fixtures.golden("pruned_neuron_pipeline_DDIM.safetensors"));
        var mf = SafetensorsFile.open(Fixtures.golden("unet_pruned.safetensors"));
        var applied = Pruner.apply(sd.unet, masks(mf, "mask_neuron."))) {
      var req = new TextToImage.Request(List.of("a photo of an astronaut riding a horse on mars",
          "A painting of a squirrel eating a burger"), null, 10, 7.5, SchedulerKind.DDIM, 0, 0, 0,
          g.floats("initial_latents"), true);
      TextToImage.Result r = TextToImage.run(sd, req, new TextToImage.Listener() {});
      Check.close("oracle neuron-pruned DDIM image", g.floats("image"), r.images(), 1e-4);
    }
  }
}
