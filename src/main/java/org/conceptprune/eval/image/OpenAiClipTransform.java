package org.conceptprune.eval.image;

/**
 * OpenAI CLIP's own {@code _transform(n_px)} ({@code clip.load}'s preprocess, which Q16 and I2P use):
 * torchvision {@code Resize(n_px, BICUBIC)} on the PIL picture (short side to n_px, PIL's antialiased
 * bicubic), {@code CenterCrop(n_px)} whose offset is {@code int(round(margin / 2.0))} (Python's round,
 * half to even: an odd margin of 119 starts at 60, where transformers' {@code CLIPImageProcessor}
 * floors to 59), {@code ToTensor()}, {@code Normalize} with OpenAI's mean and std, in float32. It does
 * not read {@code preprocessor_config.json}.
 */
public final class OpenAiClipTransform {
  private OpenAiClipTransform() {}

  public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  public static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

  /** The resized and cropped n_px x n_px picture, before it becomes floats. */
  public static RgbImage resizeAndCrop(RgbImage img, int nPx) {
    int[] size = Crops.shortestEdge(img.width(), img.height(), nPx);
    RgbImage r = PilResize.resize(img, size[0], size[1], PilResize.Filter.BICUBIC);
    return Crops.centerCrop(r, nPx, nPx);
  }

  /** The pixel values [3, n_px, n_px] of one picture. */
  public static float[] apply(RgbImage img, int nPx) {
    return PixelValues.torchvision(resizeAndCrop(img, nPx), MEAN, STD);
  }
}
