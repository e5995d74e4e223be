package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.Fixtures;
import org.conceptprune.io.checkpoint.SdArch;
import org.conceptprune.io.pickle.PickleCheckpoint;
import org.conceptprune.io.pickle.TorchSave;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PyTorch pickle checkpoints on the command line: convert to safetensors, and as a MODEL like a single file. */
class PickleCliTest {
  static final String PTH = "fixtures/eval/pth/";

  @TempDir Path tmp;

  @Test
  void convertPickleToSafetensorsKeepsNamesDtypesAndBytes() throws Exception {
    for (String name : List.of("model_zip.ckpt", "model_legacy.ckpt", "weights_zip.pth")) {
      Path in = Fixtures.path(PTH + name);
      Path out = tmp.resolve(name + ".safetensors");
      CliRun r = CliRun.of("convert", in.toString(), out.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("10 tensors, names and dtypes unchanged"), r.out());
      try (PickleCheckpoint p = PickleCheckpoint.open(in); SafetensorsFile s = SafetensorsFile.open(out)) {
        assertEquals(p.names(), s.names(), name);
        for (String k : p.names()) {
          assertEquals(p.info(k).dtype(), s.info(k).dtype(), name + " " + k);
          assertArrayEquals(p.info(k).shape(), s.info(k).shape(), name + " " + k);
          assertArrayEquals(TensorCodec.toBytes(p.bytes(k)), TensorCodec.toBytes(s.bytes(k)), name + " " + k);
        }
        assertEquals(DType.BOOL, s.info("bool").dtype());
        assertEquals(DType.BF16, s.info("bf16").dtype());
        assertEquals(DType.F16, s.info("half").dtype());
        assertEquals(p.metadata(), s.metadata());
      }
    }
    // Read back, the converted file equals the torch.save fixtures' expected values (widened there).
    try (SafetensorsFile s = SafetensorsFile.open(tmp.resolve("model_zip.ckpt.safetensors"));
        SafetensorsFile e = SafetensorsFile.open(Fixtures.path(PTH + "expected.safetensors"))) {
      for (String k : e.names()) assertArrayEquals(e.floats(k), s.floats(k), k);
      assertEquals("470000", s.metadata().get("global_step"));
    }
  }

  @Test
  void hostileAndBrokenPicklesGiveOneErrorLine() throws Exception {
    Path marker = Path.of("/tmp/pwned-by-pickle");
    Files.deleteIfExists(marker);
    Path out = tmp.resolve("out.safetensors");
    String evil = Fixtures.path(PTH + "evil.ckpt").toString();
    CliRun.of("convert", evil, out.toString()).assertUserError("refused: the pickle asks for the Python global 'posix.system'");
    CliRun.of("inspect", evil).assertUserError("'posix.system'");
    assertFalse(Files.exists(out), "nothing written");
    assertFalse(Files.exists(marker), "the hostile command ran");

    byte[] zip = Files.readAllBytes(Fixtures.path(PTH + "model_zip.ckpt"));
    Path truncated = tmp.resolve("truncated.ckpt");
    Files.write(truncated, java.util.Arrays.copyOf(zip, 3000));
    CliRun.of("convert", truncated.toString(), out.toString()).assertUserError("truncated download?");
    Path text = tmp.resolve("notes.pth");
    Files.writeString(text, "not a checkpoint\n");
    CliRun.of("convert", text.toString(), out.toString()).assertUserError("neither a zip archive (torch >= 1.6) nor a legacy pickle");
    // A tensor-only pickle is no Stable Diffusion model.
    CliRun.of("inspect", Fixtures.path(PTH + "weights_zip.pth").toString()).assertUserError("not a Stable Diffusion single-file checkpoint");
    assertFalse(Files.exists(out));
  }

  /** The tiny SD-1.x model as an original-layout .ckpt (torch.save zip, under "state_dict"), and as .safetensors. */
  private Path[] tinyCkpt() throws Exception {
    Path single = tmp.resolve("tiny.safetensors");
    CliRun r = CliRun.of("convert", Fixtures.tinySd().toString(), single.toString());
    assertEquals(0, r.code(), r.err());
    Path ckpt = tmp.resolve("tiny.ckpt");
    try (SafetensorsFile s = SafetensorsFile.open(single)) {
      TorchSave.saveZip(s, ckpt, true, false);
    }
    return new Path[] {ckpt, single};
  }

  @Test
  void aCkptIsAModelLikeASingleFileSafetensors() throws Exception {
    Path[] files = tinyCkpt();
    Path config = Fixtures.tinySd();
    try (ModelSource a = ModelSource.open(files[0], config); ModelSource b = ModelSource.open(files[1], config)) {
      assertEquals(ModelSource.Layout.SINGLE_FILE, a.layout);
      assertEquals(SdArch.SD1, a.arch);
      for (Component c : List.of(Component.UNET, Component.VAE, Component.TEXT_ENCODER)) {
        TensorSource x = a.weights(c);
        TensorSource y = b.weights(c);
        assertEquals(y.names(), x.names(), c.diffusersName);
        for (String k : y.names()) assertArrayEquals(TensorCodec.toBytes(y.bytes(k)), TensorCodec.toBytes(x.bytes(k)), c + "/" + k);
      }
    }
    // .ckpt -> diffusers folder: the tiny model's weights again.
    Path back = tmp.resolve("back");
    CliRun r = CliRun.of("convert", files[0].toString(), back.toString(), "--config", config.toString());
    assertEquals(0, r.code(), r.err());
    for (String c : List.of("unet", "vae", "text_encoder")) {
      try (TensorSource x = ShardedSafetensors.open(config.resolve(c)); TensorSource y = ShardedSafetensors.open(back.resolve(c))) {
        Set<String> want = new TreeSet<>(x.names());
        want.removeIf(k -> k.endsWith(".position_ids"));
        assertEquals(want, y.names(), c);
        for (String k : want) assertArrayEquals(TensorCodec.toBytes(x.bytes(k)), TensorCodec.toBytes(y.bytes(k)), c + "/" + k);
      }
    }
    CliRun i = CliRun.of("inspect", files[0].toString(), "--config", config.toString());
    assertEquals(0, i.code(), i.err());
    assertTrue(i.out().contains("single file, SD1"), i.out());
  }

  @Test
  void applyMaskToACkptWritesAPrunedSafetensors() throws Exception {
    Path ckpt = tinyCkpt()[0];
    String layer = "down_blocks.0.attentions.0.transformer_blocks.0.ff.net.2";
    String original = "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.ff.net.2.weight";
    LayerMask m;
    try (PickleCheckpoint p = PickleCheckpoint.open(ckpt)) {
      long[] s = p.info(original).shape(); // [out, in]
      m = new LayerMask((int) s[0], (int) s[1]);
      for (int q = 0; q < m.numel(); q += 3) m.set(q);
    }
    Path patch = tmp.resolve("one.mask.safetensors");
    MaskPatch.write(patch, new MaskSet().put(layer, m), java.util.Map.of());
    Path out = tmp.resolve("pruned.safetensors");
    CliRun r = CliRun.of("apply-mask", ckpt.toString(), "--config", Fixtures.tinySd().toString(), "--mask", patch.toString(),
        "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    try (PickleCheckpoint in = PickleCheckpoint.open(ckpt); SafetensorsFile pruned = SafetensorsFile.open(out)) {
      assertEquals(in.names(), pruned.names(), "every tensor of the ckpt, original names");
      for (TensorInfo t : in.tensors().values()) {
        if (t.name().equals(original)) continue;
        assertArrayEquals(TensorCodec.toBytes(in.bytes(t.name())), TensorCodec.toBytes(pruned.bytes(t.name())), t.name());
      }
      float[] w = in.floats(original);
      float[] q = pruned.floats(original);
      int zeroed = 0;
      for (int i = 0; i < w.length; i++) {
        assertEquals(m.get(i) ? 0f : w[i], q[i], "element " + i);
        if (m.get(i) && w[i] != 0) zeroed++;
      }
      assertTrue(zeroed > 0);
    }
  }
}
