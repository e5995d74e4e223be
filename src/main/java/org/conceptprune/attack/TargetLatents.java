package org.conceptprune.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.model.vae.AutoencoderKL;
import org.conceptprune.nn.Ops;

/** The latents an attack aims at: {@code vae.encode(image).latent_dist.mean * scaling_factor}, as UnlearnDiffAtk's img2latent. */
final class TargetLatents {
  private TargetLatents() {}

  /** @return [1, C, h, w] in m */
  static NDArray encode(AutoencoderKL vae, RgbImage image, NDManager m) {
    int w = image.width();
    int h = image.height();
    float[] hwc = image.toUnitFloats();
    float[] chw = new float[hwc.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) chw[(c * h + y) * w + x] = 2 * hwc[(y * w + x) * 3 + c] - 1; // [-1, 1]
      }
    }
    NDArray mean = vae.encode(m.create(chw, new Shape(1, 3, h, w))).mean();
    NDArray z = Ops.mul(mean, (float) vae.config.scalingFactor());
    if (vae.config.shiftFactor() != null) z = Ops.mul(mean.sub(vae.config.shiftFactor().floatValue()), (float) vae.config.scalingFactor());
    z.attach(m);
    return z;
  }
}
