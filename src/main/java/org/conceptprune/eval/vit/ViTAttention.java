package org.conceptprune.eval.vit;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Attention;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;

/**
 * {@code attention}: ViTSelfAttention ({@code attention.query/key/value}) and ViTSelfOutput
 * ({@code output.dense}); full attention, softmax(q k^T / sqrt(d_head)) v.
 */
final class ViTAttention extends Module {
  private final int heads;
  private final Linear query;
  private final Linear key;
  private final Linear value;
  private final Linear dense;

  ViTAttention(ViTConfig c) {
    int d = c.hiddenSize();
    heads = c.numAttentionHeads();
    query = child("attention.query", new Linear(d, d, c.qkvBias()));
    key = child("attention.key", new Linear(d, d, c.qkvBias()));
    value = child("attention.value", new Linear(d, d, c.qkvBias()));
    dense = child("output.dense", new Linear(d, d, true));
  }

  /** @param x [B, T, D] */
  NDArray forward(NDArray x) {
    return dense.forward(Attention.sdpa(query.forward(x), key.forward(x), value.forward(x), heads, null));
  }
}
