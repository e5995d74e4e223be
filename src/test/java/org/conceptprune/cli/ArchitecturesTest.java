package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.checkpoint.SdArch;
import org.conceptprune.model.checkpoint.SingleFile;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TextToImage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SD-2.x- and SDXL-shaped tiny models (random weights): generation, single-file round trips, and
 * pruning through both layouts. No goldens exist for them; these check the paths run end to end and
 * that both layouts give the same model.
 */
class ArchitecturesTest {
  @TempDir Path tmp;

  static float[] generate(Path model, Path config) {
    try (StableDiffusion sd = StableDiffusion.load(model, config)) {
      var req = new TextToImage.Request(List.of("a cat in the style of Van Gogh", "a dog"), null, 3, 7.5, null, 0, 0, 7, null, true);
      return TextToImage.run(sd, req, new TextToImage.Listener() {}).images();
    }
  }

  @ParameterizedTest
  @CsvSource({"tiny-sd2,SD2", "tiny-sdxl,SDXL"})
  void generateConvertAndPrune(String name, SdArch arch) throws Exception {
    Path config = Fixtures.path("configs/" + name);
    Path folder = tmp.resolve(name);
    CliRun init = CliRun.of("random-init", config.toString(), folder.toString(), "--dtype", "fp32", "--seed", "3",
        "--components", arch == SdArch.SDXL ? "unet,vae,text_encoder,text_encoder_2" : "unet,vae,text_encoder");
    assertEquals(0, init.code(), init.err());

    float[] images = generate(folder, null);

    Path single = tmp.resolve(name + ".safetensors");
    CliRun toSingle = CliRun.of("convert", folder.toString(), single.toString());
    assertEquals(0, toSingle.code(), toSingle.err());
    try (SafetensorsFile f = SafetensorsFile.open(single)) {
      assertEquals(arch, SingleFile.detect(f));
    }
    Check.close(name + " single-file vs folder images", images, generate(single, folder), 0);

    Path back = tmp.resolve(name + "-back");
    CliRun toFolder = CliRun.of("convert", single.toString(), back.toString(), "--config", folder.toString());
    assertEquals(0, toFolder.code(), toFolder.err());
    for (String c : arch == SdArch.SDXL ? List.of("unet", "vae", "text_encoder", "text_encoder_2") : List.of("unet", "vae", "text_encoder")) {
      try (TensorSource a = ShardedSafetensors.open(folder.resolve(c)); TensorSource b = ShardedSafetensors.open(back.resolve(c))) {
        assertEquals(a.names(), b.names(), c);
        for (String k : a.names()) assertArrayEquals(TensorCodec.toBytes(a.bytes(k)), TensorCodec.toBytes(b.bytes(k)), c + "/" + k);
      }
    }

    // Prune both layouts with the same settings: the same mask, each output in its input's layout.
    String[] common = {"--concept", "parachute", "--family", "object", "--timesteps", "2", "--steps", "3", "--k", "0.05"};
    CliRun pf = CliRun.of(concat(new String[] {"prune", folder.toString(), "-o", tmp.resolve("pf").toString()}, common));
    assertEquals(0, pf.code(), pf.err());
    CliRun ps = CliRun.of(concat(new String[] {"prune", single.toString(), "--config", folder.toString(), "-o",
        tmp.resolve("ps.safetensors").toString()}, common));
    assertEquals(0, ps.code(), ps.err());
    var mf = org.conceptprune.prune.MaskPatch.read(tmp.resolve("pf.mask.safetensors"));
    var ms = org.conceptprune.prune.MaskPatch.read(tmp.resolve("ps.safetensors.mask.safetensors"));
    assertEquals(mf.masks().layers(), ms.masks().layers());
    for (String l : mf.masks().layers()) assertEquals(mf.masks().get(l), ms.masks().get(l), l);
    assertTrue(mf.masks().overall().pruned() > 0);
    assertTrue(Files.isRegularFile(tmp.resolve("ps.safetensors")));
    Check.close(name + " pruned single vs pruned folder", generate(tmp.resolve("pf"), null),
        generate(tmp.resolve("ps.safetensors"), folder), 0);
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
