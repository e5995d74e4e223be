package org.conceptprune.model.clip;

import java.nio.file.Path;
import org.conceptprune.io.checkpoint.ConfigNode;
import org.conceptprune.util.UserError;

/**
 * transformers' CLIPVisionConfig: the {@code vision_config} of a CLIPModel config.json, or a
 * CLIPVisionModel(WithProjection) config itself. The projection width is the CLIPModel's top-level
 * {@code projection_dim} (the vision_config's own copy is ignored by CLIPModel, as transformers does).
 */
public record ClipVisionConfig(
    int hiddenSize,
    int intermediateSize,
    int numAttentionHeads,
    int numHiddenLayers,
    int imageSize,
    int patchSize,
    int numChannels,
    String hiddenAct,
    double layerNormEps,
    int projectionDim) {

  public ClipVisionConfig {
    if (imageSize % patchSize != 0) {
      throw new UserError("vision_config: image_size " + imageSize + " is not a multiple of patch_size " + patchSize);
    }
    if (hiddenSize % numAttentionHeads != 0) {
      throw new UserError("vision_config: hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
          + numAttentionHeads);
    }
  }

  /** Patches per side: image_size / patch_size. */
  public int grid() {
    return imageSize / patchSize;
  }

  /** Tokens: the class token and one per patch. */
  public int numPositions() {
    return grid() * grid() + 1;
  }

  public static ClipVisionConfig read(Path file) {
    ConfigNode c = ConfigNode.read(file);
    if (c.has("vision_config")) {
      ConfigNode v = new ConfigNode(file, c.json().get("vision_config"));
      // CLIPModel projects both towers to the top-level projection_dim (as ClipTextConfig reads it).
      return parse(v, file, c.optInt("projection_dim", v.optInt("projection_dim", 512)));
    }
    return parse(c, file, c.optInt("projection_dim", 512));
  }

  private static ClipVisionConfig parse(ConfigNode c, Path file, int projectionDim) {
    String act = c.optString("hidden_act", "quick_gelu");
    if (!act.equals("quick_gelu") && !act.equals("gelu")) {
      throw new UserError(file + ": vision hidden_act '" + act + "' is not supported (quick_gelu, gelu)");
    }
    return new ClipVisionConfig(
        c.reqInt("hidden_size"),
        c.reqInt("intermediate_size"),
        c.reqInt("num_attention_heads"),
        c.reqInt("num_hidden_layers"),
        c.reqInt("image_size"),
        c.reqInt("patch_size"),
        c.optInt("num_channels", 3),
        act,
        c.optDouble("layer_norm_eps", 1e-5),
        projectionDim);
  }
}
