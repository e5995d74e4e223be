package org.conceptprune.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.nn.Bf16;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.GroupNorm;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.util.UserError;

/**
 * diffusers' UNet2DConditionModel for SD-1.x, SD-2.x and SDXL: conv_in, down blocks (skips pushed),
 * mid block, up blocks (skips popped), GroupNorm -> SiLU -> conv_out. The time embedding is shared by
 * every resnet; SDXL adds its text_time embedding (pooled text + micro-conditioning ids) to it.
 */
public final class UNet2DConditionModel extends Module {
  /** SDXL's added conditioning: text_embeds [B, P] and time_ids [B, 6]. */
  public record AddedCond(NDArray textEmbeds, NDArray timeIds) {}

  public final UNet2DConditionConfig config;
  private final Conv2d convIn;
  private final TimestepEmbedding timeEmbedding;
  private final TimestepEmbedding addEmbedding;
  private final List<DownBlock2D> down = new ArrayList<>();
  private final UNetMidBlock2DCrossAttn mid;
  private final List<UpBlock2D> up = new ArrayList<>();
  private final GroupNorm convNormOut;
  private final Conv2d convOut;

  public UNet2DConditionModel(UNet2DConditionConfig c) {
    this.config = c;
    int[] ch = c.blockOutChannels();
    int n = c.numBlocks();
    convIn = child("conv_in", new Conv2d(c.inChannels(), ch[0], c.convInKernel(), 1, (c.convInKernel() - 1) / 2));
    timeEmbedding = child("time_embedding", new TimestepEmbedding(ch[0], c.timeEmbedDim()));
    addEmbedding = "text_time".equals(c.additionEmbedType())
        ? child("add_embedding", new TimestepEmbedding(c.projectionClassEmbeddingsInputDim(), c.timeEmbedDim()))
        : null;
    int out = ch[0];
    for (int i = 0; i < n; i++) {
      int in = out;
      out = ch[i];
      boolean cross = c.downBlockTypes().get(i).equals("CrossAttnDownBlock2D");
      down.add(child("down_blocks." + i, new DownBlock2D(c, i, in, out, cross, i < n - 1)));
    }
    mid = child("mid_block", new UNetMidBlock2DCrossAttn(c));
    out = ch[n - 1];
    for (int i = 0; i < n; i++) {
      int prevOut = out;
      out = ch[n - 1 - i];
      int in = ch[Math.max(n - 2 - i, 0)];
      boolean cross = c.upBlockTypes().get(i).equals("CrossAttnUpBlock2D");
      up.add(child("up_blocks." + i, new UpBlock2D(c, i, in, out, prevOut, cross, i < n - 1)));
    }
    convNormOut = child("conv_norm_out", new GroupNorm(c.normNumGroups(), ch[0], (float) c.normEps()));
    convOut = child("conv_out", new Conv2d(ch[0], c.outChannels(), c.convOutKernel(), 1, (c.convOutKernel() - 1) / 2));
  }

  /**
   * @param sample [B, C, h, w] latents
   * @param timestep [B] or [1] (broadcast to the batch), any numeric dtype
   * @param context [B, S, D] encoder hidden states
   * @param added SDXL's added conditioning, or null
   * @return the predicted noise (or v) [B, C, h, w], fp32 also when the weights are bf16
   */
  public NDArray forward(NDArray sample, NDArray timestep, NDArray context, AddedCond added) {
    long b = sample.getShape().get(0);
    int mult = config.latentMultiple();
    if (sample.getShape().get(2) % mult != 0 || sample.getShape().get(3) % mult != 0) {
      throw new UserError("latent size " + sample.getShape().get(2) + "x" + sample.getShape().get(3)
          + " must be a multiple of " + mult + " (image size a multiple of " + (8 * mult) + ")");
    }
    if (timestep.getShape().size() == 1 && b > 1) timestep = timestep.reshape(1).repeat(0, b);
    // bf16 weights: the inputs are narrowed here and the output widened, as diffusers' UNet under
    // torch_dtype=bfloat16 takes bf16 inputs (the sinusoidal features are computed in fp32 first).
    boolean bf16 = Bf16.is(convIn.weight().value());
    NDArray tEmb = TimestepEmbedding.sinusoidal(timestep, config.blockOutChannels()[0], config.flipSinToCos(), config.freqShift());
    NDArray emb = timeEmbedding.forward(bf16 ? Bf16.narrow(tEmb) : tEmb); // [B, 4C]
    if (addEmbedding != null) {
      if (added == null) throw new IllegalArgumentException("this UNet needs text_embeds and time_ids (SDXL)");
      NDArray ids = added.timeIds().flatten();
      NDArray timeEmbeds = TimestepEmbedding.sinusoidal(ids, config.additionTimeEmbedDim(), config.flipSinToCos(), config.freqShift())
          .reshape(b, -1);
      NDArray addEmbeds = NDArrays.concat(new NDList(added.textEmbeds(), timeEmbeds), -1);
      emb = emb.add(addEmbedding.forward(bf16 ? Bf16.narrow(addEmbeds) : addEmbeds));
    }
    NDArray tembAct = Ops.silu(emb);
    if (config.centerInputSample()) sample = Ops.mul(sample, 2f).sub(1f);
    if (bf16) {
      sample = Bf16.narrow(sample);
      context = Bf16.narrow(context);
    }
    NDArray h = convIn.forward(sample);
    List<NDArray> skips = new ArrayList<>();
    skips.add(h);
    for (DownBlock2D d : down) h = d.forward(h, tembAct, context, skips);
    h = mid.forward(h, tembAct, context);
    for (UpBlock2D u : up) h = u.forward(h, tembAct, context, skips);
    NDArray out = convOut.forward(Ops.silu(convNormOut.forward(h)));
    return bf16 ? Bf16.widen(out) : out;
  }

  /** Every transformer block's ff.net.2 Linear, keyed by its module path (execution order). */
  public Map<String, Linear> ffn2Layers() {
    Map<String, Linear> out = new LinkedHashMap<>();
    modules().forEach((path, m) -> {
      if (path.endsWith(".ff.net.2") && m instanceof Linear l) out.put(path, l);
    });
    return out;
  }
}
