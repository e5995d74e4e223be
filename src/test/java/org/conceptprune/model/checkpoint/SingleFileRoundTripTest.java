package org.conceptprune.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.Fixtures;
import org.conceptprune.io.checkpoint.SdArch;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.model.unet.UNet2DConditionConfig;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny SD-1.x fixture: diffusers -> single file -> diffusers, byte for byte. */
class SingleFileRoundTripTest {
  private static final List<Component> PARTS = List.of(Component.UNET, Component.VAE, Component.TEXT_ENCODER);

  @TempDir Path tmp;

  private static Map<Component, TensorSource> openTiny() {
    Map<Component, TensorSource> m = new LinkedHashMap<>();
    for (Component p : PARTS) m.put(p, ShardedSafetensors.open(Fixtures.tinySd().resolve(p.diffusersName)));
    return m;
  }

  private static UNet2DConditionConfig tinyUnet() {
    return UNet2DConditionConfig.read(Fixtures.tinySd().resolve("unet/config.json"));
  }

  static void assertSameTensors(TensorSource expected, TensorSource actual, String what) {
    Set<String> want = new TreeSet<>(expected.names());
    want.removeIf(k -> k.endsWith(".position_ids"));
    assertEquals(want, actual.names(), what + ": names");
    for (String k : want) {
      TensorInfo e = expected.info(k);
      TensorInfo a = actual.info(k);
      assertEquals(e.dtype(), a.dtype(), what + " " + k + ": dtype");
      assertArrayEquals(e.shape(), a.shape(), what + " " + k + ": shape");
      ByteBuffer eb = expected.bytes(k);
      ByteBuffer ab = actual.bytes(k);
      assertEquals(0, eb.compareTo(ab), what + " " + k + ": bytes differ");
    }
  }

  @Test
  void diffusersToSingleFileAndBackIsByteIdentical() {
    Path out = tmp.resolve("tiny.safetensors");
    Map<Component, TensorSource> parts = openTiny();
    try {
      SingleFile.write(out, parts, tinyUnet(), SdArch.SD1);
      try (SafetensorsFile file = SafetensorsFile.open(out)) {
        assertEquals(SdArch.SD1, SingleFile.detect(file));
        int total = 0;
        for (TensorSource p : parts.values()) total += p.names().size();
        assertEquals(total, file.names().size(), "one single-file tensor per diffusers tensor (no qkv in SD-1)");
        Map<Component, TensorSource> back = SingleFile.components(file, SdArch.SD1, tinyUnet());
        assertEquals(PARTS, List.copyOf(back.keySet()));
        for (Component p : PARTS) assertSameTensors(parts.get(p), back.get(p), p.diffusersName);
        // Lazy: a renamed tensor is the same byte range of the single file.
        TensorInfo ff = back.get(Component.UNET).info("down_blocks.0.attentions.0.transformer_blocks.0.ff.net.2.weight");
        TensorInfo orig = file.info("model.diffusion_model.input_blocks.1.1.transformer_blocks.0.ff.net.2.weight");
        assertEquals(out, ff.file());
        assertEquals(orig.begin(), ff.begin());
        TensorInfo q = back.get(Component.VAE).info("decoder.mid_block.attentions.0.to_q.weight");
        assertArrayEquals(new long[] {64, 64}, q.shape());
        assertEquals(file.info("first_stage_model.decoder.mid.attn_1.q.weight").begin(), q.begin());
      }
    } finally {
      parts.values().forEach(TensorSource::close);
    }
  }

  @Test
  void singleFileKeysAreTheOriginalSd1Names() {
    Path out = tmp.resolve("tiny.safetensors");
    Map<Component, TensorSource> parts = openTiny();
    try {
      SingleFile.write(out, parts, tinyUnet(), SdArch.SD1);
    } finally {
      parts.values().forEach(TensorSource::close);
    }
    try (SafetensorsFile f = SafetensorsFile.open(out)) {
      Set<String> k = f.names();
      for (String name : List.of(
          "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.ff.net.2.weight",
          "model.diffusion_model.input_blocks.1.0.in_layers.0.weight",
          "model.diffusion_model.input_blocks.1.0.emb_layers.1.weight",
          "model.diffusion_model.input_blocks.3.0.op.weight",
          "model.diffusion_model.input_blocks.4.0.skip_connection.weight",
          "model.diffusion_model.middle_block.1.transformer_blocks.0.attn2.to_k.weight",
          "model.diffusion_model.middle_block.2.out_layers.3.weight",
          "model.diffusion_model.output_blocks.2.1.conv.weight", // UpBlock2D: upsampler second
          "model.diffusion_model.output_blocks.5.1.proj_out.weight",
          "model.diffusion_model.time_embed.2.bias",
          "model.diffusion_model.out.0.weight",
          "model.diffusion_model.out.2.bias",
          "first_stage_model.encoder.down.0.downsample.conv.weight",
          "first_stage_model.encoder.down.2.block.0.nin_shortcut.weight",
          "first_stage_model.encoder.norm_out.weight",
          "first_stage_model.decoder.up.3.upsample.conv.weight",
          "first_stage_model.decoder.up.0.block.2.conv2.weight",
          "first_stage_model.decoder.mid.attn_1.norm.weight",
          "first_stage_model.quant_conv.weight",
          "first_stage_model.post_quant_conv.bias",
          "cond_stage_model.transformer.text_model.final_layer_norm.weight",
          "cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight",
          "cond_stage_model.transformer.text_model.embeddings.token_embedding.weight")) {
        assertTrue(k.contains(name), "missing " + name);
      }
      assertArrayEquals(new long[] {64, 64, 1, 1}, f.info("first_stage_model.decoder.mid.attn_1.q.weight").shape());
      assertArrayEquals(new long[] {64, 64, 1, 1}, f.info("first_stage_model.encoder.mid.attn_1.proj_out.weight").shape());
      assertArrayEquals(new long[] {64}, f.info("first_stage_model.encoder.mid.attn_1.proj_out.bias").shape());
      // SD-1 proj_in is a 1x1 conv in both formats: no reshape.
      assertArrayEquals(new long[] {32, 32, 1, 1},
          f.info("model.diffusion_model.input_blocks.1.1.proj_in.weight").shape());
      assertNull(f.tensors().get("first_stage_model.decoder.up.0.upsample.conv.weight"), "lowest level has no upsampler");
      for (String name : k) {
        assertTrue(name.startsWith("model.diffusion_model.") || name.startsWith("first_stage_model.")
            || name.startsWith("cond_stage_model.transformer.text_model."), name);
      }
    }
  }

  @Test
  void unknownKeysAreReportedByName() {
    Path out = tmp.resolve("tiny.safetensors");
    Map<Component, TensorSource> parts = openTiny();
    try {
      SingleFile.write(out, parts, tinyUnet(), SdArch.SD1);
    } finally {
      parts.values().forEach(TensorSource::close);
    }
    // Add stray tensors next to the real ones, plus ignorables that must stay quiet.
    Path bad = tmp.resolve("bad.safetensors");
    try (SafetensorsFile f = SafetensorsFile.open(out)) {
      var w = new org.conceptprune.io.safetensors.SafetensorsWriter();
      for (String k : f.names()) w.add(k, f.info(k).dtype(), f.info(k).shape(), f.bytes(k));
      w.addFloats("model.diffusion_model.input_blocks.1.0.mystery.weight", new long[] {2}, new float[2]);
      w.addFloats("lora_te_text_model_encoder.alpha", new long[] {1}, new float[1]);
      w.addFloats("alphas_cumprod", new long[] {3}, new float[3]);
      w.addFloats("model_ema.decay", new long[] {}, new float[1]);
      w.addFloats("cond_stage_model.transformer.text_model.embeddings.position_ids", new long[] {1, 3}, new float[3]);
      w.write(bad);
    }
    try (SafetensorsFile f = SafetensorsFile.open(bad)) {
      UserError e = assertThrows(UserError.class, () -> SingleFile.component(f, Component.UNET, tinyUnet()));
      assertTrue(e.getMessage().contains("model.diffusion_model.input_blocks.1.0.mystery.weight"), e.getMessage());
      assertTrue(e.getMessage().contains("lora_te_text_model_encoder.alpha"), e.getMessage());
      assertTrue(e.getMessage().contains("2 tensor(s)"), e.getMessage());
    }
  }

  @Test
  void writingRejectsDiffusersKeysWithoutAnOriginalName() {
    Path out = tmp.resolve("x.safetensors");
    Map<Component, TensorSource> parts = openTiny();
    try {
      // SDXL's first down block has no attention: the tiny UNet's down_blocks.0.attentions.* has no place
      UNet2DConditionConfig xl = SingleFileConfigs.defaultUnet(SdArch.SDXL);
      UserError e = assertThrows(UserError.class, () -> SingleFile.write(out, Map.of(Component.UNET, parts.get(Component.UNET)), xl, SdArch.SD1));
      assertTrue(e.getMessage().contains("down_blocks.0.attentions.0.proj_in.weight"), e.getMessage());
      assertTrue(e.getMessage().contains("unet: "), e.getMessage());
      assertThrows(UserError.class, () -> SingleFile.write(out, Map.of(Component.TEXT_ENCODER_2, parts.get(Component.TEXT_ENCODER)), tinyUnet(), SdArch.SD1));
    } finally {
      parts.values().forEach(TensorSource::close);
    }
    assertTrue(!out.toFile().exists(), "no half-written file");
  }

  @Test
  void stockConfigIsRefusedWhenTheFileHasAnotherShape() {
    Path out = tmp.resolve("tiny.safetensors");
    Map<Component, TensorSource> parts = openTiny();
    try {
      SingleFile.write(out, parts, tinyUnet(), SdArch.SD1);
    } finally {
      parts.values().forEach(TensorSource::close);
    }
    try (SafetensorsFile f = SafetensorsFile.open(out)) {
      assertEquals(32, SingleFileProbe.contextDim(f));
      assertEquals(6, SingleFileProbe.inputBlocks(f));
      assertEquals(6, SingleFileProbe.outputBlocks(f));
      assertEquals(32, SingleFileProbe.modelChannels(f));
      assertEquals(4, SingleFileProbe.inChannels(f));
      UserError e = assertThrows(UserError.class, () -> SingleFileConfigs.defaultUnetFor(f, SdArch.SD1));
      assertTrue(e.getMessage().contains("--config"), e.getMessage());
      assertTrue(e.getMessage().contains("cross_attention_dim: stock 768, file 32"), e.getMessage());
    }
  }
}
