package org.conceptprune.eval.nudenet;

import org.conceptprune.eval.image.RgbImage;

/**
 * NudeNet 3.4.2's {@code _read_image(path, S)} and the box arithmetic of its {@code _postprocess}: the
 * picture the detector sees, and how its boxes map back (nudenet.py, 3.4.2):
 * <ol>
 *   <li>black padding to a square of side {@code max(W, H)}, on the RIGHT and BOTTOM only
 *       ({@code cv2.copyMakeBorder(img, 0, y_pad, 0, x_pad)});
 *   <li>{@code cv2.dnn.blobFromImage(img, 1/255.0, (S, S), swapRB=True)}: {@code cv2.resize} to S x S
 *       ({@link CvResize}, 8-bit bilinear) unless the side already is S; planes B, G, R (the
 *       {@code cvtColor} before it and {@code swapRB} cancel out, so the network sees OpenCV's BGR);
 *       {@code float32(v) * float32(1/255.0)}.
 * </ol>
 *
 * @param bgr the S x S detector input as bytes, {@code [S, S, 3]} in B, G, R order
 */
public record SquarePad(int size, byte[] bgr, int width, int height, int xPad, int yPad) {
  private static final float INV255 = (float) (1 / 255.0);

  public static SquarePad of(RgbImage img, int size) {
    int w = img.width();
    int h = img.height();
    int side = Math.max(w, h);
    byte[] rgb = img.rgb();
    byte[] padded = new byte[side * side * 3]; // zeros: BORDER_CONSTANT black
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int s = (y * w + x) * 3;
        int d = (y * side + x) * 3;
        padded[d] = rgb[s + 2];
        padded[d + 1] = rgb[s + 1];
        padded[d + 2] = rgb[s];
      }
    }
    byte[] input = side == size ? padded : CvResize.linear(padded, side, side, 3, size, size);
    return new SquarePad(size, input, w, h, side - w, side - h);
  }

  /** The detector input {@code [1, 3, S, S]}: {@code float32(byte) * float32(1/255)}, planes B, G, R. */
  public float[] nchw() {
    int plane = size * size;
    float[] out = new float[3 * plane];
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) out[c * plane + p] = (bgr[p * 3 + c] & 0xff) * INV255;
    }
    return out;
  }

  /**
   * Step 6 of 3.4.2's {@code _postprocess}, float32 throughout (NumPy 2 scalar rules): top-left corner
   * {@code x = cx - w/2}, scaled by {@code side / S} (multiply, then divide, each rounded), size scaled
   * likewise, then clipped: {@code x = max(0, min(x, W))}, {@code w = min(w, W - x)} (w is not
   * changed when x is raised to 0: such a box shifts rather than shrinks).
   */
  public NmsBoxes.Rect box(float cx, float cy, float w, float h) {
    float sideX = width + xPad;
    float sideY = height + yPad;
    float x = cx - w / 2;
    float y = cy - h / 2;
    x = x * sideX / size;
    y = y * sideY / size;
    w = w * sideX / size;
    h = h * sideY / size;
    x = Math.max(0f, Math.min(x, (float) width));
    y = Math.max(0f, Math.min(y, (float) height));
    w = Math.min(w, width - x);
    h = Math.min(h, height - y);
    return new NmsBoxes.Rect(x, y, w, h);
  }
}
