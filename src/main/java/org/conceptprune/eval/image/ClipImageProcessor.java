package org.conceptprune.eval.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.conceptprune.io.checkpoint.ConfigNode;
import org.conceptprune.util.UserError;

/**
 * transformers' (slow, PIL-based) {@code CLIPImageProcessor}: resize the short side to
 * {@code size.shortest_edge} with PIL's filter {@code resample}, centre crop to {@code crop_size}
 * (floor offsets), {@code x * rescale_factor}, {@code (x - image_mean) / image_std}; [3, H, W].
 */
public record ClipImageProcessor(boolean doResize, int shortestEdge, PilResize.Filter resample,
    boolean doCenterCrop, int cropWidth, int cropHeight, boolean doRescale, double rescaleFactor,
    boolean doNormalize, float[] mean, float[] std) {

  /** Reads a {@code preprocessor_config.json}; keys that transformers defaults are optional here too. */
  public static ClipImageProcessor read(Path file) {
    ConfigNode c = ConfigNode.read(file);
    boolean doResize = c.optBool("do_resize", true);
    int shortest = doResize ? shortestEdge(c) : 0;
    boolean doCrop = c.optBool("do_center_crop", true);
    int[] crop = doCrop ? cropSize(c) : new int[] {0, 0};
    boolean doNormalize = c.optBool("do_normalize", true);
    float[] mean = doNormalize ? triple(c, "image_mean") : new float[] {0, 0, 0};
    float[] std = doNormalize ? triple(c, "image_std") : new float[] {1, 1, 1};
    return new ClipImageProcessor(doResize, shortest, filter(c, c.optInt("resample", 3)), doCrop, crop[0], crop[1],
        c.optBool("do_rescale", true), c.optDouble("rescale_factor", 1 / 255.0), doNormalize, mean, std);
  }

  /** The resized and cropped picture, before it becomes floats. */
  public RgbImage resizeAndCrop(RgbImage img) {
    if (doResize) {
      int[] size = Crops.shortestEdge(img.width(), img.height(), shortestEdge);
      img = PilResize.resize(img, size[0], size[1], resample);
    }
    return doCenterCrop ? Crops.centerCropFloor(img, cropWidth, cropHeight) : img;
  }

  /** {@code pixel_values} of one picture: [3, cropHeight, cropWidth]. */
  public float[] apply(RgbImage img) {
    return PixelValues.transformers(resizeAndCrop(img), doRescale ? rescaleFactor : 1.0, mean, std);
  }

  private static int shortestEdge(ConfigNode c) {
    JsonNode size = c.json().get("size");
    if (size != null && size.isInt()) return size.asInt(); // older configs: "size": 224
    if (size == null || !size.has("shortest_edge") || !size.get("shortest_edge").canConvertToInt()) {
      throw new UserError(c.file() + ": key 'size' should be {\"shortest_edge\": N}, found " + size);
    }
    return size.get("shortest_edge").asInt();
  }

  private static int[] cropSize(ConfigNode c) {
    JsonNode crop = c.json().get("crop_size");
    if (crop != null && crop.isInt()) return new int[] {crop.asInt(), crop.asInt()};
    if (crop == null || !crop.has("height") || !crop.has("width")) {
      throw new UserError(c.file() + ": key 'crop_size' should be {\"height\": H, \"width\": W}, found " + crop);
    }
    return new int[] {crop.get("width").asInt(), crop.get("height").asInt()};
  }

  static float[] triple(ConfigNode c, String key) {
    JsonNode v = c.json().get(key);
    if (v == null || !v.isArray() || v.size() != 3) {
      throw new UserError(c.file() + ": key '" + key + "' should be a list of 3 numbers, found " + v);
    }
    return new float[] {(float) v.get(0).asDouble(), (float) v.get(1).asDouble(), (float) v.get(2).asDouble()};
  }

  /** PIL's resampling codes as transformers stores them. */
  static PilResize.Filter filter(ConfigNode c, int code) {
    return switch (code) {
      case 1 -> PilResize.Filter.LANCZOS;
      case 2 -> PilResize.Filter.BILINEAR;
      case 3 -> PilResize.Filter.BICUBIC;
      case 4 -> PilResize.Filter.BOX;
      case 5 -> PilResize.Filter.HAMMING;
      default -> throw new UserError(c.file() + ": key 'resample' = " + code
          + " is not supported (1 LANCZOS, 2 BILINEAR, 3 BICUBIC, 4 BOX, 5 HAMMING)");
    };
  }
}
