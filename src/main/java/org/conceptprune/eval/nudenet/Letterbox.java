package org.conceptprune.eval.nudenet;

import org.conceptprune.eval.image.RgbImage;

/**
 * NudeNet 3.x's {@code _read_image(path, S)}: the picture the detector sees, and how to map its boxes
 * back. Steps (nudenet.py, v3):
 * <ol>
 *   <li>{@code aspect = w / h}; the long side becomes S, the other {@code round(S * aspect)} or
 *       {@code round(S / aspect)} (Python's round: half to even);
 *   <li>{@code resize_factor = sqrt((w^2 + h^2) / (w'^2 + h'^2))};
 *   <li>{@code cv2.resize} to (w', h') ({@link CvResize}, bilinear);
 *   <li>black padding of {@code floor(S - w') / 2} columns on BOTH sides and {@code floor(S - h') / 2}
 *       rows on both sides (an odd remainder leaves the picture one pixel short of S);
 *   <li>{@code cv2.resize} to S x S again (a copy when already S x S);
 *   <li>{@code / 255} as float32, NCHW.
 * </ol>
 *
 * @param rgb the S x S detector input as bytes, {@code [S, S, 3]}
 */
public record Letterbox(int size, byte[] rgb, int resizedWidth, int resizedHeight, double resizeFactor,
    int padLeft, int padTop) {

  /**
   * @throws IllegalArgumentException when one side would shrink to 0 pixels (a picture more than 2S
   *     times longer than wide)
   */
  public static Letterbox of(RgbImage img, int size) {
    int w = img.width();
    int h = img.height();
    double aspect = (double) w / h;
    int nw;
    int nh;
    if (h > w) {
      nh = size;
      nw = (int) Math.rint(size * aspect);
    } else {
      nw = size;
      nh = (int) Math.rint(size / aspect);
    }
    if (nw < 1 || nh < 1) {
      throw new IllegalArgumentException("a " + w + "x" + h + " picture would shrink to " + nw + "x" + nh
          + " pixels at the detector's size " + size);
    }
    double resizeFactor = Math.sqrt((double) ((long) w * w + (long) h * h) / ((long) nw * nw + (long) nh * nh));
    byte[] resized = CvResize.linear(img.rgb(), w, h, 3, nw, nh);
    int padLeft = (size - nw) / 2; // non-negative, so int division = floor
    int padTop = (size - nh) / 2;
    int pw = nw + 2 * padLeft;
    int ph = nh + 2 * padTop;
    byte[] padded = new byte[pw * ph * 3]; // zeros: cv2.BORDER_CONSTANT value 0
    for (int y = 0; y < nh; y++) {
      System.arraycopy(resized, y * nw * 3, padded, ((y + padTop) * pw + padLeft) * 3, nw * 3);
    }
    byte[] input = CvResize.linear(padded, pw, ph, 3, size, size);
    return new Letterbox(size, input, nw, nh, resizeFactor, padLeft, padTop);
  }

  /** The detector input {@code [1, 3, S, S]}: byte / 255 in float32 (numpy's float32 division). */
  public float[] nchw() {
    int plane = size * size;
    float[] out = new float[3 * plane];
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) out[c * plane + p] = (rgb[p * 3 + c] & 0xff) / 255f;
    }
    return out;
  }
}
