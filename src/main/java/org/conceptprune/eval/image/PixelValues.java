package org.conceptprune.eval.image;

/**
 * An 8-bit picture to a normalised float tensor [3, H, W] (channels first), with the float
 * arithmetic of the library whose numbers we reproduce.
 */
public final class PixelValues {
  private PixelValues() {}

  /**
   * torchvision's {@code ToTensor()} then {@code Normalize(mean, std)}: {@code (v / 255f - mean) / std},
   * every step in float32.
   */
  public static float[] torchvision(RgbImage img, float[] mean, float[] std) {
    checkChannels(mean, std);
    int hw = img.width() * img.height();
    byte[] rgb = img.rgb();
    float[] out = new float[3 * hw];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < hw; i++) out[c * hw + i] = ((rgb[i * 3 + c] & 0xff) / 255f - mean[c]) / std[c];
    }
    return out;
  }

  /**
   * transformers' {@code rescale} then {@code normalize}: {@code float32(v * factor)} with the product
   * in float64, then {@code (x - mean) / std} in float32.
   */
  public static float[] transformers(RgbImage img, double rescaleFactor, float[] mean, float[] std) {
    checkChannels(mean, std);
    int hw = img.width() * img.height();
    byte[] rgb = img.rgb();
    float[] out = new float[3 * hw];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < hw; i++) {
        float x = (float) ((rgb[i * 3 + c] & 0xff) * rescaleFactor);
        out[c * hw + i] = (x - mean[c]) / std[c];
      }
    }
    return out;
  }

  private static void checkChannels(float[] mean, float[] std) {
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 values, got " + mean.length + " and " + std.length);
    }
  }
}
