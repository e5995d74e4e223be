package org.conceptprune.eval.image;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.conceptprune.util.UserError;

/**
 * An 8-bit RGB picture, row-major, interleaved: {@code rgb[(y * width + x) * 3 + c]} (unsigned bytes).
 * This is what PIL's {@code Image.open(f).convert("RGB")} and OpenCV's {@code imread} + BGR->RGB hold,
 * so every evaluator's preprocessing starts from the same bytes.
 */
public record RgbImage(int width, int height, byte[] rgb) {
  public RgbImage {
    if (width <= 0 || height <= 0 || rgb.length != width * height * 3) {
      throw new IllegalArgumentException("bad image " + width + "x" + height + " with " + rgb.length + " bytes");
    }
  }

  /** Channel c (0 = R) of pixel (x, y) as 0..255. */
  public int at(int x, int y, int c) {
    return rgb[(y * width + x) * 3 + c] & 0xff;
  }

  /**
   * Reads a PNG/JPEG/BMP as RGB the way PIL's convert("RGB") does: grey is replicated, a palette is
   * looked up, alpha is dropped (not composited). Samples wider than 8 bits keep their high byte.
   * Colour profiles and gamma chunks are ignored, as PIL ignores them.
   */
  public static RgbImage read(Path file) {
    BufferedImage img;
    try {
      if (!Files.isRegularFile(file)) throw new UserError(file + ": no such image file");
      img = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new UserError(file + ": cannot read the image (" + e.getMessage() + ")", e);
    }
    if (img == null) throw new UserError(file + ": not an image this program can read (PNG, JPEG, BMP, GIF)");
    return of(img);
  }

  /** The RGB bytes of a decoded image, read from its raster (never through a colour conversion). */
  public static RgbImage of(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    Raster r = img.getRaster();
    int bands = r.getNumBands();
    int shift = Math.max(0, r.getSampleModel().getSampleSize(0) - 8);
    byte[] out = new byte[w * h * 3];
    int[] px = new int[bands];
    IndexColorModel palette = img.getColorModel() instanceof IndexColorModel icm ? icm : null;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r.getPixel(x, y, px);
        int o = (y * w + x) * 3;
        if (palette != null) {
          out[o] = (byte) palette.getRed(px[0]);
          out[o + 1] = (byte) palette.getGreen(px[0]);
          out[o + 2] = (byte) palette.getBlue(px[0]);
        } else if (bands < 3) { // grey, grey + alpha
          byte g = (byte) (px[0] >> shift);
          out[o] = g;
          out[o + 1] = g;
          out[o + 2] = g;
        } else { // RGB, RGBA
          out[o] = (byte) (px[0] >> shift);
          out[o + 1] = (byte) (px[1] >> shift);
          out[o + 2] = (byte) (px[2] >> shift);
        }
      }
    }
    return new RgbImage(w, h, out);
  }

  /** round(v * 255) clamped to 0..255: the byte an 8-bit image of the value v in [0, 1] holds. */
  public static int u8(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255f)));
  }

  /** An 8-bit picture of a CHW float image in [0, 1] (3 planes of width x height from offset). */
  public static RgbImage fromChw(float[] chw, int offset, int width, int height) {
    int plane = width * height;
    byte[] b = new byte[plane * 3];
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) b[p * 3 + c] = (byte) u8(chw[offset + c * plane + p]);
    }
    return new RgbImage(width, height, b);
  }

  /** Values in [0, 1] as float, [H, W, 3] (torchvision's ToTensor before the transpose). */
  public float[] toUnitFloats() {
    float[] f = new float[rgb.length];
    for (int i = 0; i < f.length; i++) f[i] = (rgb[i] & 0xff) / 255f;
    return f;
  }
}
