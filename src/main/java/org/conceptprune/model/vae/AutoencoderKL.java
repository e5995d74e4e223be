package org.conceptprune.model.vae;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;

/**
 * diffusers' AutoencoderKL. decode(z) = decoder(post_quant_conv(z)); encode(x) gives the diagonal
 * Gaussian's mean and std (logvar clamped to [-30, 20]). Pipelines divide latents by scaling_factor
 * before decoding and multiply sampled latents by it after encoding.
 */
public final class AutoencoderKL extends Module {
  /** @param mean [B, latent, h, w]; @param std [B, latent, h, w] */
  public record LatentDist(NDArray mean, NDArray std) {}

  public final AutoencoderKLConfig config;
  private final Encoder encoder;
  private final Decoder decoder;
  private final Conv2d quantConv;
  private final Conv2d postQuantConv;

  public AutoencoderKL(AutoencoderKLConfig c) {
    this.config = c;
    encoder = child("encoder", new Encoder(c));
    decoder = child("decoder", new Decoder(c));
    int l = c.latentChannels();
    quantConv = c.useQuantConv() ? child("quant_conv", new Conv2d(2 * l, 2 * l, 1, 1, 0)) : null;
    postQuantConv = c.usePostQuantConv() ? child("post_quant_conv", new Conv2d(l, l, 1, 1, 0)) : null;
  }

  /** @param z [B, latent, h, w] already divided by the scaling factor; @return [B, 3, 8h, 8w] */
  public NDArray decode(NDArray z) {
    if (postQuantConv != null) z = postQuantConv.forward(z);
    return decoder.forward(z);
  }

  /** @param x [B, 3, H, W] in [-1, 1] */
  public LatentDist encode(NDArray x) {
    NDArray moments = encoder.forward(x);
    if (quantConv != null) moments = quantConv.forward(moments);
    long l = config.latentChannels();
    NDArray mean = moments.get(":, 0:" + l);
    NDArray logvar = moments.get(":, " + l + ":").clip(-30f, 20f);
    return new LatentDist(mean, Ops.mul(logvar, 0.5f).exp());
  }

  /** Latents (already scaled) -> image in [0, 1], laid out [B, H, W, 3]. */
  public NDArray decodeToImage(NDArray latents) {
    NDArray z = Ops.div(latents, (float) config.scalingFactor());
    if (config.shiftFactor() != null) z = z.add(config.shiftFactor().floatValue());
    NDArray x = decode(z);
    return Ops.div(x, 2f).add(0.5f).clip(0f, 1f).transpose(0, 2, 3, 1);
  }
}
