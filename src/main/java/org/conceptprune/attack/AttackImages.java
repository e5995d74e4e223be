package org.conceptprune.attack;

import java.util.List;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TextToImage;
import org.conceptprune.pipeline.TorchRandom;

/** One image per call through the shared sampler, latents drawn as {@code evaluate} draws a batch-1 row. */
final class AttackImages {
  private AttackImages() {}

  /**
   * @param encoder the prompt's embeddings in place of the text encoder's, or null
   * @return the image as an 8-bit PNG would hold it
   */
  static RgbImage generate(StableDiffusion sd, String prompt, long seed, double guidance, GenerationSettings g,
      TextToImage.PromptEncoder encoder) {
    int scale = sd.vae.config.scaleFactor();
    int width = g.width() > 0 ? g.width() : sd.unet.config.sampleSize() * scale;
    int height = g.height() > 0 ? g.height() : sd.unet.config.sampleSize() * scale;
    int per = sd.unet.config.inChannels() * (height / scale) * (width / scale);
    float[] latents = TorchRandom.randn(seed, per); // torch.randn([1, C, h, w], seed)
    var req = new TextToImage.Request(List.of(prompt), null, g.steps(), guidance, g.scheduler(), width, height, seed, latents, true);
    TextToImage.Result r = TextToImage.run(sd, req, new TextToImage.Listener() {}, encoder);
    return toRgb(r.images(), r.width(), r.height());
  }

  /** [1, H, W, 3] in [0, 1] to 8-bit RGB. */
  static RgbImage toRgb(float[] nhwc, int width, int height) {
    byte[] b = new byte[width * height * 3];
    for (int i = 0; i < b.length; i++) b[i] = (byte) RgbImage.u8(nhwc[i]);
    return new RgbImage(width, height, b);
  }

  static java.awt.image.BufferedImage toBuffered(RgbImage img) {
    var b = new java.awt.image.BufferedImage(img.width(), img.height(), java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) b.setRGB(x, y, (img.at(x, y, 0) << 16) | (img.at(x, y, 1) << 8) | img.at(x, y, 2));
    }
    return b;
  }
}
