package org.conceptprune.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.Fixtures;
import org.conceptprune.io.checkpoint.SdArch;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.model.unet.UNet2DConditionConfig;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synthetic SD-2 and SDXL state dicts: OpenCLIP's fused qkv, text_projection, label_emb, two embedders. */
class SingleFileOpenClipTest {
  private static final int D = 4; // width
  private static final int P = 3; // projection width

  @TempDir Path tmp;

  /** Tensors whose values say where they came from: tensor t holds t*1000 + element index. */
  private static final class Dict {
    final SafetensorsWriter w = new SafetensorsWriter();
    int next = 1;

    Dict add(String name, long... shape) {
      int n = 1;
      for (long s : shape) n *= (int) s;
      float[] v = new float[n];
      for (int i = 0; i < n; i++) v[i] = next * 1000 + i;
      next++;
      w.addFloats(name, shape, v);
      return this;
    }

    Dict openClip(String prefix, int layers, boolean projection) {
      add(prefix + "positional_embedding", 5, D);
      add(prefix + "token_embedding.weight", 10, D);
      add(prefix + "ln_final.weight", D).add(prefix + "ln_final.bias", D);
      if (projection) add(prefix + "text_projection", D, P);
      add(prefix + "logit_scale");
      for (int l = 0; l < layers; l++) {
        String b = prefix + "transformer.resblocks." + l + ".";
        add(b + "attn.in_proj_weight", 3 * D, D).add(b + "attn.in_proj_bias", 3 * D);
        add(b + "attn.out_proj.weight", D, D).add(b + "attn.out_proj.bias", D);
        add(b + "ln_1.weight", D).add(b + "ln_1.bias", D).add(b + "ln_2.weight", D).add(b + "ln_2.bias", D);
        add(b + "mlp.c_fc.weight", 2 * D, D).add(b + "mlp.c_fc.bias", 2 * D);
        add(b + "mlp.c_proj.weight", D, 2 * D).add(b + "mlp.c_proj.bias", D);
      }
      return this;
    }

    Path write(Path p) {
      w.write(p);
      return p;
    }
  }

  private static UNet2DConditionConfig tinyUnet() {
    return UNet2DConditionConfig.read(Fixtures.tinySd().resolve("unet/config.json"));
  }

  /** A tiny SDXL-shaped UNet: no attention in the first level, size conditioning, 2 transformer layers. */
  static UNet2DConditionConfig tinyXlUnet(Path dir) throws Exception {
    Path f = dir.resolve("unet-xl.json");
    Files.writeString(f, """
        {"block_out_channels": [32, 64], "layers_per_block": 2, "cross_attention_dim": 16,
         "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"],
         "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"],
         "attention_head_dim": [2, 4], "transformer_layers_per_block": [1, 2],
         "use_linear_projection": true, "addition_embed_type": "text_time",
         "addition_time_embed_dim": 8, "projection_class_embeddings_input_dim": 40}
        """);
    return UNet2DConditionConfig.read(f);
  }

  @Test
  void sd2FusedQkvIsSplitIntoRowsAndTheLastLayerDropped() {
    Path file = new Dict().openClip("cond_stage_model.model.", 24, true).write(tmp.resolve("sd2.safetensors"));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertEquals(SdArch.SD2, SingleFile.detect(f));
      TensorSource te = SingleFile.component(f, SdArch.SD2, Component.TEXT_ENCODER, tinyUnet());
      // 23 layers x 16 tensors, 2 embeddings, final norm weight and bias; no projection, no layer 23
      assertEquals(23 * 16 + 4, te.names().size());
      assertFalse(te.names().contains("text_projection.weight"));
      assertFalse(te.names().stream().anyMatch(k -> k.startsWith("text_model.encoder.layers.23.")));
      float[] fused = f.floats("cond_stage_model.model.transformer.resblocks.7.attn.in_proj_weight"); // [3D, D]
      String a = "text_model.encoder.layers.7.self_attn.";
      assertArrayEquals(Arrays.copyOfRange(fused, 0, D * D), te.floats(a + "q_proj.weight"));
      assertArrayEquals(Arrays.copyOfRange(fused, D * D, 2 * D * D), te.floats(a + "k_proj.weight"));
      assertArrayEquals(Arrays.copyOfRange(fused, 2 * D * D, 3 * D * D), te.floats(a + "v_proj.weight"));
      assertArrayEquals(new long[] {D, D}, te.info(a + "k_proj.weight").shape());
      float[] bias = f.floats("cond_stage_model.model.transformer.resblocks.7.attn.in_proj_bias");
      assertArrayEquals(Arrays.copyOfRange(bias, 2 * D, 3 * D), te.floats(a + "v_proj.bias"));
      assertArrayEquals(f.floats("cond_stage_model.model.positional_embedding"),
          te.floats("text_model.embeddings.position_embedding.weight"));
      assertArrayEquals(f.floats("cond_stage_model.model.transformer.resblocks.3.mlp.c_proj.weight"),
          te.floats("text_model.encoder.layers.3.mlp.fc2.weight"));
      assertArrayEquals(f.floats("cond_stage_model.model.transformer.resblocks.0.ln_2.bias"),
          te.floats("text_model.encoder.layers.0.layer_norm2.bias"));
      assertArrayEquals(f.floats("cond_stage_model.model.ln_final.weight"), te.floats("text_model.final_layer_norm.weight"));

      // Back without the original: 23 layers re-fused byte for byte; with it: the dropped tensors return.
      Path plain = tmp.resolve("plain.safetensors");
      SingleFile.write(plain, Map.of(Component.TEXT_ENCODER, te), tinyUnet(), SdArch.SD2);
      try (SafetensorsFile g = SafetensorsFile.open(plain)) {
        assertEquals(23 * 12 + 4, g.names().size());
        for (String k : g.names()) assertEquals(0, f.bytes(k).compareTo(g.bytes(k)), k);
        assertNull(g.tensors().get("cond_stage_model.model.transformer.resblocks.23.ln_1.weight"));
      }
      Path full = tmp.resolve("full.safetensors");
      SingleFile.write(full, Map.of(Component.TEXT_ENCODER, te), tinyUnet(), SdArch.SD2, f);
      try (SafetensorsFile g = SafetensorsFile.open(full)) {
        assertEquals(f.names(), g.names());
        for (String k : g.names()) assertEquals(0, f.bytes(k).compareTo(g.bytes(k)), k);
      }
    }
  }

  @Test
  void sdxlTwoEmbeddersLabelEmbeddingAndTransposedProjection() throws Exception {
    UNet2DConditionConfig cfg = tinyXlUnet(tmp);
    Dict d = new Dict();
    String u = "model.diffusion_model.";
    d.add(u + "label_emb.0.0.weight", 32 * 4, 40).add(u + "label_emb.0.0.bias", 32 * 4);
    d.add(u + "label_emb.0.2.weight", 32 * 4, 32 * 4).add(u + "label_emb.0.2.bias", 32 * 4);
    d.add(u + "time_embed.0.weight", 128, 32);
    d.add(u + "input_blocks.4.1.transformer_blocks.1.attn2.to_k.weight", 64, 16);
    d.add(u + "input_blocks.4.1.proj_in.weight", 64, 64); // linear projection: [C, C], as in diffusers
    d.add(u + "output_blocks.2.2.conv.weight", 64, 64, 3, 3); // after an attention: third module
    d.add(u + "output_blocks.5.0.skip_connection.weight", 32, 64, 1, 1);
    d.add("conditioner.embedders.0.transformer.text_model.encoder.layers.0.mlp.fc1.weight", 2 * D, D);
    d.add("conditioner.embedders.0.transformer.text_model.embeddings.position_ids", 1, 5);
    d.openClip("conditioner.embedders.1.model.", 2, true);
    d.add("conditioner.embedders.1.model.transformer.resblocks.23.ln_1.weight", D); // not dropped in SDXL
    Path file = d.write(tmp.resolve("xl.safetensors"));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertEquals(SdArch.SDXL, SingleFile.detect(f));
      Map<Component, TensorSource> parts = SingleFile.components(f, SdArch.SDXL, cfg);
      TensorSource unet = parts.get(Component.UNET);
      assertArrayEquals(f.floats(u + "label_emb.0.0.weight"), unet.floats("add_embedding.linear_1.weight"));
      assertArrayEquals(f.floats(u + "label_emb.0.2.bias"), unet.floats("add_embedding.linear_2.bias"));
      assertTrue(unet.names().contains("down_blocks.1.attentions.0.transformer_blocks.1.attn2.to_k.weight"));
      assertArrayEquals(new long[] {64, 64}, unet.info("down_blocks.1.attentions.0.proj_in.weight").shape());
      assertTrue(unet.names().contains("up_blocks.0.upsamplers.0.conv.weight"));
      assertTrue(unet.names().contains("up_blocks.1.resnets.2.conv_shortcut.weight"));
      TensorSource te1 = parts.get(Component.TEXT_ENCODER);
      assertEquals(java.util.Set.of("text_model.encoder.layers.0.mlp.fc1.weight"), te1.names());
      TensorSource te2 = parts.get(Component.TEXT_ENCODER_2);
      assertTrue(te2.names().contains("text_model.encoder.layers.23.layer_norm1.weight"));
      // OpenCLIP applies x @ P with P [D, P]; diffusers' Linear holds W = P^T [P, D].
      float[] proj = f.floats("conditioner.embedders.1.model.text_projection");
      float[] w = te2.floats("text_projection.weight");
      assertArrayEquals(new long[] {P, D}, te2.info("text_projection.weight").shape());
      assertNull(te2.info("text_projection.weight").file(), "a transposed tensor has no byte range in the file");
      for (int i = 0; i < D; i++) for (int j = 0; j < P; j++) assertEquals(proj[i * P + j], w[j * D + i]);
      float[] fused = f.floats("conditioner.embedders.1.model.transformer.resblocks.1.attn.in_proj_weight");
      assertArrayEquals(Arrays.copyOfRange(fused, D * D, 2 * D * D), te2.floats("text_model.encoder.layers.1.self_attn.k_proj.weight"));

      Path back = tmp.resolve("back.safetensors");
      Map<Component, TensorSource> all = new LinkedHashMap<>(parts);
      SingleFile.write(back, all, cfg, SdArch.SDXL);
      try (SafetensorsFile g = SafetensorsFile.open(back)) {
        java.util.Set<String> want = new java.util.TreeSet<>(f.names());
        want.removeIf(SingleFileLayout::ignorable); // position_ids, logit_scale: not in the diffusers parts
        assertEquals(want, g.names());
        for (String k : want) assertEquals(0, f.bytes(k).compareTo(g.bytes(k)), k);
      }
    }
  }

  @Test
  void detection() throws Exception {
    try (SafetensorsFile f = SafetensorsFile.open(new Dict().add("model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight", 8, 1024)
        .write(tmp.resolve("u2.safetensors")))) {
      assertEquals(SdArch.SD2, SingleFile.detect(f), "UNet-only: by cross-attention width");
    }
    try (SafetensorsFile f = SafetensorsFile.open(new Dict().add("model.diffusion_model.input_blocks.4.1.transformer_blocks.0.attn2.to_k.weight", 8, 2048)
        .write(tmp.resolve("uxl.safetensors")))) {
      assertEquals(SdArch.SDXL, SingleFile.detect(f));
    }
    try (SafetensorsFile f = SafetensorsFile.open(new Dict().add("cond_stage_model.transformer.text_model.final_layer_norm.weight", D)
        .write(tmp.resolve("sd1.safetensors")))) {
      assertEquals(SdArch.SD1, SingleFile.detect(f));
    }
    try (SafetensorsFile f = SafetensorsFile.open(new Dict().add("conditioner.embedders.1.model.ln_final.weight", D)
        .add("conditioner.embedders.0.transformer.text_model.final_layer_norm.weight", D).write(tmp.resolve("xl.safetensors")))) {
      assertEquals(SdArch.SDXL, SingleFile.detect(f));
    }
    try (SafetensorsFile f = SafetensorsFile.open(new Dict().add("encoder.conv_in.weight", 2).write(tmp.resolve("vae.safetensors")))) {
      UserError e = assertThrows(UserError.class, () -> SingleFile.detect(f));
      assertTrue(e.getMessage().contains("not a Stable Diffusion single-file checkpoint"), e.getMessage());
    }
  }
}
