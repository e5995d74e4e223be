package org.conceptprune.eval.vit;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.io.checkpoint.ConfigNode;
import org.conceptprune.util.UserError;

/**
 * A transformers {@code ViTForImageClassification} config.json (JSON key names appear only here).
 *
 * @param labels {@code id2label} in index order: the class names, which the checkpoint defines
 */
public record ViTConfig(int hiddenSize, int numHiddenLayers, int numAttentionHeads, int intermediateSize,
    double layerNormEps, int imageSize, int patchSize, int numChannels, boolean qkvBias, List<String> labels) {

  public static ViTConfig read(Path file) {
    ConfigNode c = ConfigNode.read(file);
    String type = c.optString("model_type", "");
    boolean named = type.equals("vit") || (c.has("architectures") && c.reqStrings("architectures").contains("ViTForImageClassification"));
    if (!named) {
      throw new UserError(file + ": not a ViTForImageClassification config (model_type '" + type
          + "'); score style needs a transformers ViT image classifier folder such as UnlearnDiffAtk's checkpoint-2800");
    }
    String act = c.optString("hidden_act", "gelu");
    if (!act.equals("gelu")) throw new UserError(file + ": hidden_act '" + act + "' is not supported (gelu)");
    int hidden = c.reqInt("hidden_size");
    int heads = c.reqInt("num_attention_heads");
    if (heads <= 0 || hidden % heads != 0) throw new UserError(file + ": hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
    int image = c.reqInt("image_size");
    int patch = c.reqInt("patch_size");
    if (patch <= 0 || image % patch != 0) throw new UserError(file + ": image_size " + image + " is not a multiple of patch_size " + patch);
    return new ViTConfig(hidden, c.reqInt("num_hidden_layers"), heads, c.reqInt("intermediate_size"),
        c.optDouble("layer_norm_eps", 1e-12), image, patch, c.optInt("num_channels", 3), c.optBool("qkv_bias", true), labels(c));
  }

  /** {@code id2label}: keys "0".."K-1", each once. */
  private static List<String> labels(ConfigNode c) {
    JsonNode m = c.json().get("id2label");
    if (m == null || !m.isObject() || m.size() == 0) throw new UserError(c.file() + ": no id2label (the class names)");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < m.size(); i++) {
      JsonNode v = m.get(Integer.toString(i));
      if (v == null || !v.isTextual()) throw new UserError(c.file() + ": id2label has no label for class " + i + " of " + m.size());
      out.add(v.asText());
    }
    return List.copyOf(out);
  }

  /** Tokens per picture: the patches and the [CLS] token. */
  public int numPositions() {
    int g = imageSize / patchSize;
    return g * g + 1;
  }
}
