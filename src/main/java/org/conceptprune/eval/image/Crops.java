package org.conceptprune.eval.image;

/**
 * The two geometric steps every classifier preprocessing shares besides the resize: the size a
 * "shortest edge" resize goes to, and the centre crop (which torchvision and transformers round
 * differently when the margin is odd, and pad differently when the picture is smaller).
 */
public final class Crops {
  private Crops() {}

  /**
   * The {@code {width, height}} of a resize that makes the short side {@code size} and keeps the
   * aspect: the long side becomes {@code int(size * long / short)} (truncated). This is torchvision's
   * {@code Resize(size)} with an int ({@code _compute_resized_output_size}) and transformers'
   * {@code get_resize_output_image_size(size, default_to_square=False)}; a square picture's short
   * side is its width.
   */
  public static int[] shortestEdge(int width, int height, int size) {
    if (size <= 0) throw new IllegalArgumentException("shortest edge must be positive, got " + size);
    boolean wide = width > height; // torchvision: short, long = (w, h) if w <= h else (h, w)
    int shortSide = wide ? height : width;
    int longSide = wide ? width : height;
    int newLong = (int) ((double) size * longSide / shortSide); // Python: int(size * long / short)
    return wide ? new int[] {newLong, size} : new int[] {size, newLong};
  }

  /**
   * torchvision's {@code CenterCrop((h, w))} of a PIL image: the offset is
   * {@code int(round((H - h) / 2.0))} with Python's round half to even; a side shorter than the crop
   * is first padded with black, {@code (h - H) // 2} before it.
   */
  public static RgbImage centerCrop(RgbImage img, int width, int height) {
    return crop(img, torchvisionOffset(img.width(), width), torchvisionOffset(img.height(), height), width, height);
  }

  /**
   * transformers' {@code image_transforms.center_crop}: the offset is {@code (H - h) // 2} (floor);
   * a side shorter than the crop is padded with black, {@code ceil((h - H) / 2)} before it, which
   * comes to the same floor offset.
   */
  public static RgbImage centerCropFloor(RgbImage img, int width, int height) {
    return crop(img, Math.floorDiv(img.width() - width, 2), Math.floorDiv(img.height() - height, 2), width, height);
  }

  /** Offset of a torchvision centre crop of {@code crop} out of {@code size} along one side. */
  static int torchvisionOffset(int size, int crop) {
    if (crop > size) return -((crop - size) / 2); // padded: then cropped at 0
    return (int) Math.rint((size - crop) / 2.0); // rint = round half to even, as Python's round
  }

  /** The width x height window whose top-left corner is (left, top) in img; outside pixels are black. */
  public static RgbImage crop(RgbImage img, int left, int top, int width, int height) {
    if (width <= 0 || height <= 0) throw new IllegalArgumentException("bad crop " + width + "x" + height);
    byte[] in = img.rgb();
    byte[] out = new byte[width * height * 3];
    int x0 = Math.max(0, -left);
    int x1 = Math.min(width, img.width() - left);
    if (x1 > x0) {
      for (int y = 0; y < height; y++) {
        int sy = top + y;
        if (sy < 0 || sy >= img.height()) continue;
        System.arraycopy(in, (sy * img.width() + left + x0) * 3, out, (y * width + x0) * 3, (x1 - x0) * 3);
      }
    }
    return new RgbImage(width, height, out);
  }
}
