package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.toy.ToyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `toy train --vae-from`: the UNet trains on another toy model's VAE (the shipped one by name), copied
 * byte for byte, and an OUT that already has a VAE is refused with it untouched.
 */
class ToyTrainCliTest {

  @Test
  void vaeFromShippedCopiesItsVaeAndTrainsTheUnetOnIt(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("t");
    CliRun r = CliRun.of("toy", "train", "--vae-from", "shipped", "--out", out.toString(), "--steps", "1", "--batch", "2");
    assertEquals(0, r.code(), r.err());
    Path shipped = ToyModel.extractBundled();
    for (String f : new String[] {"vae/config.json", "vae/diffusion_pytorch_model.safetensors"}) {
      assertArrayEquals(Files.readAllBytes(shipped.resolve(f)), Files.readAllBytes(out.resolve(f)), f);
    }
    Map<String, String> meta;
    try (SafetensorsFile u = SafetensorsFile.open(out.resolve("unet/diffusion_pytorch_model.safetensors"))) {
      meta = u.metadata();
    }
    assertEquals("1", meta.get("toy_steps"), meta.toString());
    assertEquals("1", meta.get("toy_threads"), meta.toString()); // surefire runs libtorch with 1 thread

    byte[] vae = Files.readAllBytes(out.resolve("vae/diffusion_pytorch_model.safetensors"));
    CliRun again = CliRun.of("toy", "train", "--vae-from", dir.resolve("t").toString(), "--out", out.toString(), "--steps", "1");
    again.assertUserError("is --vae-from");
    Path other = dir.resolve("u");
    Files.createDirectories(other.resolve("vae"));
    Files.writeString(other.resolve("vae/config.json"), "{}");
    CliRun exists = CliRun.of("toy", "train", "--vae-from", "shipped", "--out", other.toString(), "--steps", "1");
    exists.assertUserError("already exists");
    assertEquals("{}", Files.readString(other.resolve("vae/config.json")));
    CliRun both = CliRun.of("toy", "train", "--vae-from", "shipped", "--reuse-vae", "--out", dir.resolve("w").toString());
    both.assertUserError("exclude each other");
    CliRun none = CliRun.of("toy", "train", "--vae-from", dir.resolve("missing").toString(), "--out", dir.resolve("x").toString());
    none.assertUserError("no VAE");
    assertArrayEquals(vae, Files.readAllBytes(out.resolve("vae/diffusion_pytorch_model.safetensors")));
  }
}
