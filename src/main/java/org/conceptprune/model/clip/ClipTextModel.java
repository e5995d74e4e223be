package org.conceptprune.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;

/**
 * transformers' CLIPTextModel / CLIPTextModelWithProjection. Always causal; Stable Diffusion passes
 * no attention mask, so padding tokens attend causally like any other token.
 */
public final class ClipTextModel extends Module {
  /**
   * @param lastHiddenState [B, T, D] after the final layer norm
   * @param pooled [B, D]: last_hidden_state at the end-of-text token
   * @param hiddenStates embeddings, then each layer's output (no final norm): layers + 1 entries
   * @param textEmbeds [B, P] = text_projection(pooled), or null without a projection
   */
  public record Output(NDArray lastHiddenState, NDArray pooled, List<NDArray> hiddenStates, NDArray textEmbeds) {}

  public final ClipTextConfig config;
  private final ClipTextTransformer text;
  private final Linear textProjection;

  public ClipTextModel(ClipTextConfig c) {
    this.config = c;
    text = child("text_model", new ClipTextTransformer(c));
    textProjection = c.withProjection()
        ? child("text_projection", new Linear(c.hiddenSize(), c.projectionDim(), false))
        : null;
  }

  /** Checkpoint keys that are buffers, not parameters (older transformers saved them). */
  public static boolean isBuffer(String key) {
    return key.endsWith("embeddings.position_ids");
  }

  /** @param ids [B, T] token ids (int64), in the manager that should own the results */
  public Output forward(NDArray ids) {
    return forward(ids, null);
  }

  /**
   * @param ids [B, T] token ids (int64)
   * @param attentionMask [B, T] 1 = token, 0 = padding, or null (Stable Diffusion passes none)
   */
  public Output forward(NDArray ids, long[] attentionMask) {
    long b = ids.getShape().get(0);
    int t = Math.toIntExact(ids.getShape().get(1));
    NDArray tok = Ops.scoped(text.tokenEmbedding.value().get(new NDIndex("{}", ids.flatten())), ids)
        .reshape(b, t, config.hiddenSize()); // [B, T, D]
    return forwardEmbeds(tok, ids, attentionMask);
  }

  /** The token embedding table [V, D] (rows are token ids). */
  public NDArray tokenEmbeddings() {
    return text.tokenEmbedding.value();
  }

  /**
   * transformers' {@code inputs_embeds} path: the encoder on given token embeddings (position
   * embeddings are added here), so a gradient can reach the embeddings (attacks, textual inversion).
   *
   * @param tokenEmbeds [B, T, D] in the manager that should own the results
   * @param ids [B, T] token ids: only where the pooled (end-of-text) token is read
   * @param attentionMask as in {@link #forward(NDArray, long[])}
   */
  public Output forwardEmbeds(NDArray tokenEmbeds, NDArray ids, long[] attentionMask) {
    NDManager m = tokenEmbeds.getManager();
    long b = tokenEmbeds.getShape().get(0);
    int t = Math.toIntExact(tokenEmbeds.getShape().get(1));
    NDArray pos = Ops.scoped(text.positionEmbedding.value().get(new NDIndex("0:" + t)), tokenEmbeds); // [T, D]
    NDArray h = tokenEmbeds.add(pos);
    NDArray mask = attentionMask == null ? causalMask(m, t) : paddedCausalMask(m, attentionMask, (int) b, t);
    List<NDArray> hidden = new ArrayList<>();
    hidden.add(h);
    for (ClipEncoderLayer layer : text.layers) {
      h = layer.forward(h, mask);
      hidden.add(h);
    }
    NDArray last = text.finalNorm.forward(h);
    NDArray pooled = pool(last, ids);
    NDArray embeds = textProjection == null ? null : textProjection.forward(pooled);
    return new Output(last, pooled, hidden, embeds);
  }

  /**
   * The additive mask value of a hidden key. transformers uses the most negative float; exp of
   * either is exactly 0 after softmax's max subtraction, so the outputs are the same. A finite
   * value far from the float limit keeps score + mask away from overflow in gradients (toy CLIP
   * training; the blow-up there, 1e29 gradients on queries and keys, came from in-place ops in
   * {@code Attention}'s block, now out of place).
   */
  static final float MASKED = -1e9f;

  /** Additive causal mask [T, T]: 0 on and below the diagonal, {@link #MASKED} above. */
  static NDArray causalMask(NDManager m, int t) {
    float[] v = new float[t * t];
    for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) v[i * t + j] = MASKED;
    return m.create(v, new Shape(t, t));
  }

  /** Causal mask plus padding mask, per row and head: [B*H, T, T]. */
  private NDArray paddedCausalMask(NDManager m, long[] attn, int b, int t) {
    int heads = config.numAttentionHeads();
    float[] v = new float[b * heads * t * t];
    for (int r = 0; r < b; r++) {
      for (int hh = 0; hh < heads; hh++) {
        int base = (r * heads + hh) * t * t;
        for (int i = 0; i < t; i++) {
          for (int j = 0; j < t; j++) {
            if (j > i || attn[r * t + j] == 0) v[base + i * t + j] = MASKED;
          }
        }
      }
    }
    return m.create(v, new Shape((long) b * heads, t, t));
  }

  /**
   * The hidden state at the end-of-text token of each row: the first occurrence of the config's
   * eos_token_id, or, for legacy configs whose eos_token_id is 2, the position of the largest id.
   */
  private NDArray pool(NDArray last, NDArray ids) {
    long[] idv = ids.toType(DataType.INT64, false).toLongArray();
    int b = Math.toIntExact(ids.getShape().get(0));
    int t = Math.toIntExact(ids.getShape().get(1));
    NDList rows = new NDList();
    for (int r = 0; r < b; r++) {
      int pos = eosPosition(idv, r * t, t, config.eosTokenId());
      rows.add(last.get(r).get(pos).expandDims(0));
    }
    return NDArrays.concat(rows, 0);
  }

  static int eosPosition(long[] ids, int off, int t, int eosTokenId) {
    int best = 0;
    if (eosTokenId == 2) {
      for (int j = 1; j < t; j++) if (ids[off + j] > ids[off + best]) best = j;
      return best;
    }
    for (int j = 0; j < t; j++) if (ids[off + j] == eosTokenId) return j;
    return 0; // transformers' argmax over an all-false row gives 0
  }
}
