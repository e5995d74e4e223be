package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.MaskPatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prune / stats / mask / apply-mask as a user runs them, on the tiny SD-1.x fixture. */
class PruneCliTest {
  @TempDir static Path tmp;
  static Path model;
  static Path words;
  static String inputHash;
  static CliRun first;
  static JsonNode firstReport;
  static MaskPatch firstPatch;

  @BeforeAll
  static void pruneOnce() throws Exception {
    model = Fixtures.tinySd();
    words = tmp.resolve("things.txt");
    Files.writeString(words, "cat\ndog\nhorse\n");
    inputHash = treeHash(model);
    first = CliRun.of("prune", model.toString(), "--concept", "Van Gogh", "--family", "art-style", "--words", words.toString(),
        "--timesteps", "3", "--steps", "10", "--k", "0.05", "-o", tmp.resolve("pruned").toString());
    firstReport = new ObjectMapper().readTree(tmp.resolve("pruned.report.json").toFile());
    firstPatch = MaskPatch.read(tmp.resolve("pruned.mask.safetensors"));
    Files.copy(tmp.resolve("pruned.mask.safetensors"), tmp.resolve("first.mask.safetensors"));
  }

  static String treeHash(Path dir) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (var s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        md.update(dir.relativize(p).toString().getBytes());
        md.update(Files.readAllBytes(p));
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  @Test
  void pruneWritesModelPatchAndReportAndLeavesTheInputAlone() throws Exception {
    assertEquals(0, first.code(), first.err());
    assertEquals(inputHash, treeHash(model), "the input model must not change");
    JsonNode report = firstReport;
    assertEquals(3 * 3, report.get("unet_calls").asInt(), "3 pairs x t̂=3 calls");
    long pruned = report.get("density").get("pruned_weights").asLong();
    assertTrue(pruned > 0 && pruned < 36864 * 0.05, "pruned " + pruned);
    assertEquals(6, report.get("density").get("layers").size());
    MaskPatch patch = firstPatch;
    assertEquals(pruned, patch.masks().overall().pruned());
    // Masked weights are zero; every other tensor is bit-identical to the input.
    try (TensorSource in = ShardedSafetensors.open(model.resolve("unet"));
        TensorSource out = ShardedSafetensors.open(tmp.resolve("pruned/unet"))) {
      assertEquals(in.names(), out.names());
      for (String k : in.names()) {
        byte[] a = TensorCodec.toBytes(in.bytes(k));
        byte[] b = TensorCodec.toBytes(out.bytes(k));
        String layer = k.endsWith(".weight") ? k.substring(0, k.length() - 7) : "";
        if (!patch.masks().contains(layer)) {
          assertArrayEquals(a, b, k);
          continue;
        }
        LayerMask m = patch.masks().get(layer);
        float[] w = in.floats(k);
        float[] p = out.floats(k);
        for (int i = 0; i < w.length; i++) assertEquals(m.get(i) ? 0f : w[i], p[i], k + "[" + i + "]");
      }
    }
    // Other components are copied as they are.
    assertArrayEquals(Files.readAllBytes(model.resolve("vae/diffusion_pytorch_model.safetensors")),
        Files.readAllBytes(tmp.resolve("pruned/vae/diffusion_pytorch_model.safetensors")));
  }

  @Test
  void newKComesFromTheCacheWithoutTheUnet() throws Exception {
    CliRun r = CliRun.of("prune", model.toString(), "--concept", "Van Gogh", "--family", "art-style", "--words", words.toString(),
        "--timesteps", "2", "--steps", "10", "--k", "0.02", "-o", tmp.resolve("pruned2").toString(),
        "--stats-cache", tmp.resolve("pruned.stats").toString());
    assertEquals(0, r.code(), r.err());
    JsonNode report = new ObjectMapper().readTree(tmp.resolve("pruned2.report.json").toFile());
    assertEquals(0, report.get("unet_calls").asInt(), "statistics for t̂=2 <= 3 come from the cache");
  }

  @Test
  void statsThenMaskSweepEqualsPrune() throws Exception {
    Path stats = tmp.resolve("vg.stats.safetensors");
    CliRun s = CliRun.of("stats", model.toString(), "--concept", "Van Gogh", "--family", "art-style", "--words", words.toString(),
        "--timesteps", "3", "--steps", "10", "-o", stats.toString());
    assertEquals(0, s.code(), s.err());
    CliRun m = CliRun.of("mask", model.toString(), "--stats", stats.toString(), "--k", "0.02,0.05", "--timesteps", "1,3",
        "-o", tmp.resolve("masks").toString());
    assertEquals(0, m.code(), m.err());
    assertEquals(4, new ObjectMapper().readTree(tmp.resolve("masks/masks.json").toFile()).size());
    MaskPatch swept = MaskPatch.read(tmp.resolve("masks/mask-k0.05-t3.safetensors"));
    for (String l : swept.masks().layers()) assertEquals(firstPatch.masks().get(l), swept.masks().get(l), l);
  }

  @Test
  void applyMaskAndItsInverse() throws Exception {
    Path patch = tmp.resolve("first.mask.safetensors");
    Path applied = tmp.resolve("applied");
    CliRun a = CliRun.of("apply-mask", model.toString(), "--mask", patch.toString(), "-o", applied.toString());
    assertEquals(0, a.code(), a.err());
    // Same weights as prune wrote (prune may have been re-run with another k by another test: compare with the patch).
    MaskPatch p = MaskPatch.read(patch);
    try (TensorSource in = ShardedSafetensors.open(model.resolve("unet"));
        TensorSource out = ShardedSafetensors.open(applied.resolve("unet"))) {
      for (String layer : p.masks().layers()) {
        float[] w = in.floats(layer + ".weight");
        float[] q = out.floats(layer + ".weight");
        LayerMask m = p.masks().get(layer);
        for (int i = 0; i < w.length; i++) assertEquals(m.get(i) ? 0f : w[i], q[i]);
      }
    }
    Path restored = tmp.resolve("restored");
    CliRun inv = CliRun.of("apply-mask", applied.toString(), "--mask", patch.toString(), "--invert", "--original", model.toString(),
        "-o", restored.toString());
    assertEquals(0, inv.code(), inv.err());
    try (TensorSource in = ShardedSafetensors.open(model.resolve("unet"));
        TensorSource out = ShardedSafetensors.open(restored.resolve("unet"))) {
      for (String k : in.names()) assertArrayEquals(TensorCodec.toBytes(in.bytes(k)), TensorCodec.toBytes(out.bytes(k)), k);
    }
    // The pruned model is not the patch's base: refused without --force.
    CliRun refused = CliRun.of("apply-mask", applied.toString(), "--mask", patch.toString(), "-o", tmp.resolve("x").toString());
    refused.assertUserError("not the model this patch was made for");
  }

  @Test
  void badInputGetsAClearError() throws Exception {
    String m = model.toString();
    CliRun.of("prune", m, "--concept", "X", "--family", "art-style", "--k", "1.5", "-o", tmp.resolve("o1").toString())
        .assertUserError("k must lie in (0, 1)");
    CliRun.of("prune", m, "--concept", "X", "--family", "art-style", "--timesteps", "60", "-o", tmp.resolve("o2").toString())
        .assertUserError("larger than the 51 UNet calls");
    Path t = tmp.resolve("t.txt");
    Path r = tmp.resolve("r.txt");
    Files.writeString(t, "a\nb\n");
    Files.writeString(r, "c\n");
    CliRun.of("prune", m, "--concept", "X", "--family", "custom", "--target-prompts", t.toString(), "--reference-prompts", r.toString(),
        "-o", tmp.resolve("o3").toString()).assertUserError("unequal length");
    CliRun.of("prune", m, "--concept", "X", "--family", "art-style", "-o", m).assertUserError("is the input");
    CliRun.of("prune", m, "--concept", "X", "--family", "art-style", "--site", "nowhere", "-o", tmp.resolve("o4").toString())
        .assertUserError("unknown probe site");
    CliRun.of("prune", tmp.resolve("nothing").toString(), "--concept", "X", "--family", "art-style", "-o", tmp.resolve("o5").toString())
        .assertUserError("no such model");
  }

  @Test
  void modelWithoutFfnLayersAndUnknownLayersAreRefused() throws Exception {
    // A mask patch naming a layer the model does not have.
    var masks = new org.conceptprune.prune.MaskSet().put("down_blocks.9.attentions.0.transformer_blocks.0.ff.net.2", new LayerMask(32, 128));
    Path patch = tmp.resolve("alien.mask.safetensors");
    MaskPatch.write(patch, masks, java.util.Map.of());
    CliRun.of("apply-mask", model.toString(), "--mask", patch.toString(), "-o", tmp.resolve("o6").toString())
        .assertUserError("no layer");
    // The text encoder has no ff.net.2: probing a site the model lacks is an error.
    var err = org.junit.jupiter.api.Assertions.assertThrows(org.conceptprune.util.UserError.class,
        () -> org.conceptprune.prune.ProbeSite.fromCli("ffn3"));
    assertTrue(err.getMessage().contains("unknown probe site"));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"ffn1,unet,ff.net.0.proj", "attn2-k,unet,attn2.to_k", "attn2-v,unet,attn2.to_v",
      "text-fc2,text_encoder,mlp.fc2"})
  void otherProbeSites(String site, String component, String suffix) throws Exception {
    Path out = tmp.resolve("site-" + site);
    CliRun r = CliRun.of("prune", model.toString(), "--concept", "Van Gogh", "--family", "art-style", "--words", words.toString(),
        "--timesteps", "2", "--steps", "5", "--k", "0.1", "--site", site, "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    MaskPatch patch = MaskPatch.read(tmp.resolve("site-" + site + ".mask.safetensors"));
    assertTrue(patch.masks().overall().pruned() > 0, site);
    for (String l : patch.masks().layers()) assertTrue(l.endsWith(suffix), l);
    String file = component.equals("unet") ? "diffusion_pytorch_model.safetensors" : "model.safetensors";
    try (TensorSource in = ShardedSafetensors.open(model.resolve(component)); TensorSource o = ShardedSafetensors.open(out.resolve(component))) {
      for (String l : patch.masks().layers()) {
        float[] w = in.floats(l + ".weight");
        float[] p = o.floats(l + ".weight");
        LayerMask m = patch.masks().get(l);
        for (int i = 0; i < w.length; i++) assertEquals(m.get(i) ? 0f : w[i], p[i], l);
      }
    }
    assertTrue(Files.exists(out.resolve(component).resolve(file)));
  }
}
