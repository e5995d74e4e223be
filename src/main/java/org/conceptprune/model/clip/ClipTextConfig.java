package org.conceptprune.model.clip;

import java.nio.file.Path;
import org.conceptprune.io.checkpoint.ConfigNode;
import org.conceptprune.util.UserError;

/** transformers' CLIPTextConfig (text_encoder/config.json), SD-1.x, SD-2.x and SDXL alike. */
public record ClipTextConfig(
    int hiddenSize,
    int intermediateSize,
    int numAttentionHeads,
    int numHiddenLayers,
    int maxPositionEmbeddings,
    int vocabSize,
    String hiddenAct,
    double layerNormEps,
    int eosTokenId,
    int projectionDim,
    boolean withProjection) {

  public static ClipTextConfig read(Path file) {
    ConfigNode c = ConfigNode.read(file);
    if (c.has("text_config")) {
      // A full CLIPModel config: the text tower's settings are nested; the projection is always there.
      ConfigNode t = new ConfigNode(file, c.json().get("text_config"));
      ClipTextConfig tc = parse(t, file);
      return new ClipTextConfig(tc.hiddenSize(), tc.intermediateSize(), tc.numAttentionHeads(),
          tc.numHiddenLayers(), tc.maxPositionEmbeddings(), tc.vocabSize(), tc.hiddenAct(),
          tc.layerNormEps(), tc.eosTokenId(), c.optInt("projection_dim", tc.projectionDim()), true);
    }
    return parse(c, file);
  }

  private static ClipTextConfig parse(ConfigNode c, Path file) {
    String act = c.optString("hidden_act", "quick_gelu");
    if (!act.equals("quick_gelu") && !act.equals("gelu")) {
      throw new UserError(file + ": hidden_act '" + act + "' is not supported (quick_gelu, gelu)");
    }
    boolean proj = false;
    if (c.has("architectures")) {
      proj = c.reqStrings("architectures").contains("CLIPTextModelWithProjection");
    }
    return new ClipTextConfig(
        c.reqInt("hidden_size"),
        c.reqInt("intermediate_size"),
        c.reqInt("num_attention_heads"),
        c.reqInt("num_hidden_layers"),
        c.optInt("max_position_embeddings", 77),
        c.reqInt("vocab_size"),
        act,
        c.optDouble("layer_norm_eps", 1e-5),
        c.optInt("eos_token_id", 49407),
        c.optInt("projection_dim", 512),
        proj);
  }
}
