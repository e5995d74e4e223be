package org.conceptprune.eval.image;

/**
 * torchvision's evaluation transform of {@code ResNet50_Weights.IMAGENET1K_V2}
 * ({@code ImageClassification(crop_size=224, resize_size=232)}) on a PIL image:
 * {@code Resize(232, BILINEAR, antialias=True)} (short side to 232 with PIL's resize),
 * {@code CenterCrop(224)}, {@code ToTensor()}, {@code Normalize(IMAGENET mean, std)}.
 */
public final class ImageNetTransforms {
  private ImageNetTransforms() {}

  public static final int RESIZE = 232;
  public static final int CROP = 224;
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  /** The resized and cropped 224x224 picture, before it becomes floats. */
  public static RgbImage resizeAndCrop(RgbImage img) {
    int[] size = Crops.shortestEdge(img.width(), img.height(), RESIZE);
    RgbImage r = PilResize.resize(img, size[0], size[1], PilResize.Filter.BILINEAR);
    return Crops.centerCrop(r, CROP, CROP);
  }

  /** {@code pixel_values} of one picture: [3, 224, 224]. */
  public static float[] apply(RgbImage img) {
    return PixelValues.torchvision(resizeAndCrop(img), MEAN, STD);
  }

  /** Reads and preprocesses picture files: pixel values [N, 3, 224, 224]. */
  public static float[] pixelValues(java.util.List<java.nio.file.Path> files) {
    int per = 3 * CROP * CROP;
    float[] pixels = new float[files.size() * per];
    for (int i = 0; i < files.size(); i++) System.arraycopy(apply(RgbImage.read(files.get(i))), 0, pixels, i * per, per);
    return pixels;
  }
}
