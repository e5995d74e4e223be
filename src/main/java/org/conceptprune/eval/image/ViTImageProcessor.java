package org.conceptprune.eval.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.conceptprune.io.checkpoint.ConfigNode;
import org.conceptprune.util.UserError;

/**
 * transformers' slow (PIL-based) {@code ViTImageProcessor}: resize to exactly
 * {@code size.height x size.width} (aspect not kept, no crop) with PIL's filter {@code resample}
 * (2 = antialiased BILINEAR, as UnlearnDiffAtk's style classifier is configured), then
 * {@code float32(v * rescale_factor)} (product in float64) and {@code (x - image_mean) / image_std}
 * in float32; [3, H, W].
 */
public record ViTImageProcessor(boolean doResize, int width, int height, PilResize.Filter resample, boolean doRescale,
    double rescaleFactor, float[] mean, float[] std) {

  /** Reads a {@code preprocessor_config.json}; keys that transformers defaults are optional here too. */
  public static ViTImageProcessor read(Path file) {
    ConfigNode c = ConfigNode.read(file);
    String type = c.optString("image_processor_type", c.optString("feature_extractor_type", "ViTImageProcessor"));
    if (!type.startsWith("ViT")) throw new UserError(file + ": image_processor_type '" + type + "' is not ViT's (ViTImageProcessor)");
    boolean doResize = c.optBool("do_resize", true);
    int[] size = doResize ? size(c) : new int[] {0, 0};
    boolean doNormalize = c.optBool("do_normalize", true);
    float[] mean = doNormalize ? ClipImageProcessor.triple(c, "image_mean") : new float[] {0, 0, 0};
    float[] std = doNormalize ? ClipImageProcessor.triple(c, "image_std") : new float[] {1, 1, 1};
    return new ViTImageProcessor(doResize, size[0], size[1], ClipImageProcessor.filter(c, c.optInt("resample", 2)),
        c.optBool("do_rescale", true), c.optDouble("rescale_factor", 1 / 255.0), mean, std);
  }

  /** The picture at the configured size, before it becomes floats. */
  public RgbImage resize(RgbImage img) {
    return doResize ? PilResize.resize(img, width, height, resample) : img;
  }

  /** {@code pixel_values} of one picture: [3, height, width]. */
  public float[] apply(RgbImage img) {
    return PixelValues.transformers(resize(img), doRescale ? rescaleFactor : 1.0, mean, std);
  }

  private static int[] size(ConfigNode c) {
    JsonNode size = c.json().get("size");
    if (size != null && size.isInt()) return new int[] {size.asInt(), size.asInt()}; // older configs: "size": 224
    if (size == null || !size.has("height") || !size.has("width") || !size.get("height").canConvertToInt()
        || !size.get("width").canConvertToInt()) {
      throw new UserError(c.file() + ": key 'size' should be {\"height\": H, \"width\": W}, found " + size);
    }
    return new int[] {size.get("width").asInt(), size.get("height").asInt()};
  }
}
