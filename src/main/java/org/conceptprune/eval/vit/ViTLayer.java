package org.conceptprune.eval.vit;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.LayerNorm;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;

/**
 * {@code vit.encoder.layer.N}, pre-norm:
 * {@code h = x + attention(layernorm_before(x))}, {@code y = h + output.dense(gelu(intermediate.dense(layernorm_after(h))))}
 * (exact-erf GELU).
 */
final class ViTLayer extends Module {
  private final LayerNorm before;
  private final ViTAttention attention;
  private final LayerNorm after;
  private final Linear intermediate;
  private final Linear output;

  ViTLayer(ViTConfig c) {
    float eps = (float) c.layerNormEps();
    int d = c.hiddenSize();
    attention = child("attention", new ViTAttention(c));
    intermediate = child("intermediate.dense", new Linear(d, c.intermediateSize(), true));
    output = child("output.dense", new Linear(c.intermediateSize(), d, true));
    before = child("layernorm_before", new LayerNorm(d, eps));
    after = child("layernorm_after", new LayerNorm(d, eps));
  }

  /** @param x [B, T, D] */
  NDArray forward(NDArray x) {
    NDArray h = x.add(attention.forward(before.forward(x)));
    NDArray a = Ops.gelu(intermediate.forward(after.forward(h))); // [B, T, I]
    return h.add(output.forward(a));
  }
}
