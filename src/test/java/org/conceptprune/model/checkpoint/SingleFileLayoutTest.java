package org.conceptprune.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.checkpoint.SdArch;
import org.conceptprune.model.checkpoint.SingleFileLayout.Link;
import org.conceptprune.model.checkpoint.SingleFileLayout.Transform;
import org.conceptprune.model.unet.UNet2DConditionConfig;
import org.junit.jupiter.api.Test;

/** The table on the stock configs: keys known from real SD-1.5 / SD-2.1 / SDXL files, both ways. */
class SingleFileLayoutTest {

  private static void both(SingleFileLayout l, Component c, String original, String diffusers) {
    List<Link> ls = l.toDiffusers(original);
    assertEquals(1, ls.size(), original);
    assertEquals(diffusers, ls.get(0).diffusers(), original);
    assertEquals(c, ls.get(0).component(), original);
    Link back = l.toOriginal(c, diffusers);
    assertEquals(original, back == null ? null : back.original(), diffusers);
  }

  @Test
  void sd15Unet() {
    SingleFileLayout l = SingleFileLayout.of(SdArch.SD1, SingleFileConfigs.defaultUnet(SdArch.SD1), 4, 2);
    String u = "model.diffusion_model.";
    both(l, Component.UNET, u + "time_embed.0.weight", "time_embedding.linear_1.weight");
    both(l, Component.UNET, u + "input_blocks.0.0.bias", "conv_in.bias");
    both(l, Component.UNET, u + "input_blocks.2.1.transformer_blocks.0.attn2.to_k.weight",
        "down_blocks.0.attentions.1.transformer_blocks.0.attn2.to_k.weight");
    both(l, Component.UNET, u + "input_blocks.3.0.op.weight", "down_blocks.0.downsamplers.0.conv.weight");
    both(l, Component.UNET, u + "input_blocks.4.0.skip_connection.weight", "down_blocks.1.resnets.0.conv_shortcut.weight");
    both(l, Component.UNET, u + "input_blocks.9.0.op.bias", "down_blocks.2.downsamplers.0.conv.bias");
    both(l, Component.UNET, u + "input_blocks.11.0.out_layers.3.weight", "down_blocks.3.resnets.1.conv2.weight");
    both(l, Component.UNET, u + "middle_block.0.emb_layers.1.bias", "mid_block.resnets.0.time_emb_proj.bias");
    both(l, Component.UNET, u + "middle_block.1.proj_out.weight", "mid_block.attentions.0.proj_out.weight");
    both(l, Component.UNET, u + "middle_block.2.in_layers.2.weight", "mid_block.resnets.1.conv1.weight");
    both(l, Component.UNET, u + "output_blocks.2.1.conv.weight", "up_blocks.0.upsamplers.0.conv.weight");
    both(l, Component.UNET, u + "output_blocks.3.1.norm.weight", "up_blocks.1.attentions.0.norm.weight");
    both(l, Component.UNET, u + "output_blocks.5.2.conv.bias", "up_blocks.1.upsamplers.0.conv.bias");
    both(l, Component.UNET, u + "output_blocks.8.2.conv.weight", "up_blocks.2.upsamplers.0.conv.weight");
    both(l, Component.UNET, u + "output_blocks.11.1.transformer_blocks.0.ff.net.0.proj.weight",
        "up_blocks.3.attentions.2.transformer_blocks.0.ff.net.0.proj.weight");
    both(l, Component.UNET, u + "out.0.weight", "conv_norm_out.weight");
    assertTrue(l.toDiffusers(u + "output_blocks.11.2.conv.weight").isEmpty(), "the top level has no upsampler");
    assertTrue(l.toDiffusers(u + "label_emb.0.0.weight").isEmpty(), "SD-1 has no label_emb");
    assertTrue(l.toDiffusers(u + "input_blocks.1.0.in_layers.1.weight").isEmpty(), "SiLU has no weights");
    assertNull(l.toOriginal(Component.UNET, "down_blocks.3.attentions.0.norm.weight"), "DownBlock2D has no attention");
  }

  @Test
  void sd15VaeAndText() {
    SingleFileLayout l = SingleFileLayout.of(SdArch.SD1, SingleFileConfigs.defaultUnet(SdArch.SD1), 4, 2);
    String v = "first_stage_model.";
    both(l, Component.VAE, v + "encoder.down.1.block.0.nin_shortcut.weight", "encoder.down_blocks.1.resnets.0.conv_shortcut.weight");
    both(l, Component.VAE, v + "encoder.down.2.downsample.conv.weight", "encoder.down_blocks.2.downsamplers.0.conv.weight");
    both(l, Component.VAE, v + "decoder.up.3.upsample.conv.weight", "decoder.up_blocks.0.upsamplers.0.conv.weight");
    both(l, Component.VAE, v + "decoder.up.0.block.2.conv1.weight", "decoder.up_blocks.3.resnets.2.conv1.weight");
    both(l, Component.VAE, v + "decoder.mid.block_2.norm2.bias", "decoder.mid_block.resnets.1.norm2.bias");
    both(l, Component.VAE, v + "encoder.mid.attn_1.norm.weight", "encoder.mid_block.attentions.0.group_norm.weight");
    both(l, Component.VAE, v + "decoder.norm_out.bias", "decoder.conv_norm_out.bias");
    both(l, Component.VAE, v + "post_quant_conv.weight", "post_quant_conv.weight");
    Link q = l.toDiffusers(v + "decoder.mid.attn_1.proj_out.weight").get(0);
    assertEquals("decoder.mid_block.attentions.0.to_out.0.weight", q.diffusers());
    assertEquals(Transform.SQUEEZE_1X1, q.transform());
    assertEquals(Transform.NONE, l.toDiffusers(v + "decoder.mid.attn_1.k.bias").get(0).transform());
    assertTrue(l.toDiffusers(v + "decoder.up.0.upsample.conv.weight").isEmpty());
    both(l, Component.TEXT_ENCODER, "cond_stage_model.transformer.text_model.encoder.layers.11.mlp.fc2.bias",
        "text_model.encoder.layers.11.mlp.fc2.bias");
    assertTrue(SingleFileLayout.ignorable("cond_stage_model.transformer.text_model.embeddings.position_ids"));
    for (String k : List.of("betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod",
        "log_one_minus_alphas_cumprod", "posterior_mean_coef2", "model_ema.decay", "model_ema.num_updates",
        "model_ema.diffusion_modelinput_blocks00weight")) {
      assertTrue(SingleFileLayout.ignorable(k), k);
    }
    assertFalse(SingleFileLayout.ignorable("model.diffusion_model.betas"));
  }

  @Test
  void sd21OpenClip() {
    UNet2DConditionConfig c = SingleFileConfigs.defaultUnet(SdArch.SD2);
    SingleFileLayout l = SingleFileLayout.of(SdArch.SD2, c, 4, 2);
    String t = "cond_stage_model.model.";
    List<Link> qkv = l.toDiffusers(t + "transformer.resblocks.22.attn.in_proj_weight");
    assertEquals(List.of("text_model.encoder.layers.22.self_attn.q_proj.weight",
        "text_model.encoder.layers.22.self_attn.k_proj.weight", "text_model.encoder.layers.22.self_attn.v_proj.weight"),
        qkv.stream().map(Link::diffusers).toList());
    assertEquals(Transform.SPLIT_QKV, qkv.get(2).transform());
    assertEquals(2, qkv.get(2).part());
    Link v = l.toOriginal(Component.TEXT_ENCODER, "text_model.encoder.layers.22.self_attn.v_proj.bias");
    assertEquals(t + "transformer.resblocks.22.attn.in_proj_bias", v.original());
    assertEquals(2, v.part());
    both(l, Component.TEXT_ENCODER, t + "transformer.resblocks.0.attn.out_proj.weight", "text_model.encoder.layers.0.self_attn.out_proj.weight");
    both(l, Component.TEXT_ENCODER, t + "positional_embedding", "text_model.embeddings.position_embedding.weight");
    both(l, Component.TEXT_ENCODER, t + "token_embedding.weight", "text_model.embeddings.token_embedding.weight");
    both(l, Component.TEXT_ENCODER, t + "ln_final.bias", "text_model.final_layer_norm.bias");
    assertTrue(l.dropped(t + "transformer.resblocks.23.mlp.c_fc.weight"));
    assertTrue(l.dropped(t + "text_projection"));
    assertFalse(l.dropped(t + "transformer.resblocks.2.mlp.c_fc.weight"));
    assertTrue(SingleFileLayout.ignorable(t + "logit_scale"));
    assertTrue(c.useLinearProjection() && c.upcastAttention());
    assertArrayEquals(new int[] {5, 10, 20, 20}, c.numAttentionHeads());
    assertArrayEquals(new int[] {1024, 1024, 1024, 1024}, c.crossAttentionDim());
    assertEquals(96, c.sampleSize());
  }

  @Test
  void sdxlBase() {
    UNet2DConditionConfig c = SingleFileConfigs.defaultUnet(SdArch.SDXL);
    assertEquals("text_time", c.additionEmbedType());
    assertEquals(2816, c.projectionClassEmbeddingsInputDim());
    assertArrayEquals(new int[] {1, 2, 10}, c.transformerLayersPerBlock());
    SingleFileLayout l = SingleFileLayout.of(SdArch.SDXL, c, 4, 2);
    String u = "model.diffusion_model.";
    both(l, Component.UNET, u + "label_emb.0.0.weight", "add_embedding.linear_1.weight");
    both(l, Component.UNET, u + "label_emb.0.2.bias", "add_embedding.linear_2.bias");
    both(l, Component.UNET, u + "input_blocks.3.0.op.weight", "down_blocks.0.downsamplers.0.conv.weight");
    both(l, Component.UNET, u + "input_blocks.7.1.transformer_blocks.9.ff.net.0.proj.weight",
        "down_blocks.2.attentions.0.transformer_blocks.9.ff.net.0.proj.weight");
    both(l, Component.UNET, u + "middle_block.1.transformer_blocks.9.attn2.to_v.weight",
        "mid_block.attentions.0.transformer_blocks.9.attn2.to_v.weight");
    both(l, Component.UNET, u + "output_blocks.2.2.conv.weight", "up_blocks.0.upsamplers.0.conv.weight");
    both(l, Component.UNET, u + "output_blocks.5.2.conv.weight", "up_blocks.1.upsamplers.0.conv.weight");
    both(l, Component.UNET, u + "output_blocks.8.0.skip_connection.weight", "up_blocks.2.resnets.2.conv_shortcut.weight");
    assertTrue(l.toDiffusers(u + "input_blocks.1.1.proj_in.weight").isEmpty(), "SDXL's first level has no attention");
    assertTrue(l.toDiffusers(u + "input_blocks.9.0.in_layers.0.weight").isEmpty(), "SDXL has 9 input blocks");
    both(l, Component.TEXT_ENCODER, "conditioner.embedders.0.transformer.text_model.encoder.layers.11.self_attn.q_proj.weight",
        "text_model.encoder.layers.11.self_attn.q_proj.weight");
    String t = "conditioner.embedders.1.model.";
    Link p = l.toDiffusers(t + "text_projection").get(0);
    assertEquals(new Link(Component.TEXT_ENCODER_2, t + "text_projection", "text_projection.weight", Transform.TRANSPOSE, 0), p);
    assertFalse(l.dropped(t + "transformer.resblocks.23.ln_1.weight"));
    both(l, Component.TEXT_ENCODER_2, t + "transformer.resblocks.31.mlp.c_fc.bias", "text_model.encoder.layers.31.mlp.fc1.bias");
    assertEquals(3, l.toDiffusers(t + "transformer.resblocks.31.attn.in_proj_bias").size());
  }
}
