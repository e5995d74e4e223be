package org.conceptprune.model.clip;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Parameter;
import org.conceptprune.util.UserError;

/**
 * transformers' CLIPModel: the text tower ({@link ClipTextModel} with its projection), the image tower
 * ({@link ClipVisionModel}) and {@code logit_scale}. Its checkpoint is the union of the two towers' keys
 * ({@code text_model.*}, {@code text_projection.weight}, {@code vision_model.*},
 * {@code visual_projection.weight}) plus {@code logit_scale}, so this module adopts both towers'
 * children under their own names and one load checks every key.
 */
public final class ClipModel extends Module {
  public final ClipTextModel text;
  public final ClipVisionModel vision;
  private final Parameter logitScale; // [] (0-d): log of the softmax temperature's inverse

  public ClipModel(ClipTextConfig textConfig, ClipVisionConfig visionConfig) {
    if (textConfig.projectionDim() != visionConfig.projectionDim()) {
      throw new UserError("CLIPModel config: the text and vision projection widths differ ("
          + textConfig.projectionDim() + " vs " + visionConfig.projectionDim() + "); set the top-level projection_dim");
    }
    text = new ClipTextModel(textConfig);
    vision = new ClipVisionModel(visionConfig);
    for (Map.Entry<String, Module> e : text.children().entrySet()) child(e.getKey(), e.getValue());
    for (Map.Entry<String, Module> e : vision.children().entrySet()) child(e.getKey(), e.getValue());
    logitScale = param("logit_scale");
  }

  /** @param pixelValues [B, C, S, S] @return image_embeds [B, P] (projected, not normalised) */
  public NDArray imageFeatures(NDArray pixelValues) {
    ClipVisionModel.Output o = vision.forward(pixelValues);
    o.lastHiddenState().close();
    return o.imageEmbeds();
  }

  /**
   * @param ids [B, 77] token ids (int64)
   * @param attentionMask [B, 77] or null; the pooled end-of-text token attends only to earlier, real
   *     tokens under the causal mask, so the result is the same either way
   * @return text_embeds [B, P] (projected, not normalised)
   */
  public NDArray textFeatures(NDArray ids, long[] attentionMask) {
    return text.forward(ids, attentionMask).textEmbeds();
  }

  /** exp(logit_scale): the factor on cosine similarities in logits_per_image (100 for OpenAI's CLIP). */
  public double logitScaleExp() {
    return Math.exp(logitScale.value().toFloatArray()[0]);
  }

  /** logit_scale itself (0-d), e.g. for training. */
  public Parameter logitScale() {
    return logitScale;
  }

  /** Checkpoint keys that are buffers, not parameters (older transformers saved position_ids). */
  public static boolean isBuffer(String key) {
    return key.endsWith("embeddings.position_ids");
  }
}
