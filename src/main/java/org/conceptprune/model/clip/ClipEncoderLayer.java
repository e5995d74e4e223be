package org.conceptprune.model.clip;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.LayerNorm;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;

/** Pre-norm transformer layer: x + attn(ln1(x)), then x + fc2(act(fc1(ln2(x)))). */
final class ClipEncoderLayer extends Module {
  private final LayerNorm ln1;
  private final ClipAttention attn;
  private final LayerNorm ln2;
  private final Linear fc1;
  final Linear fc2;
  private final boolean quickGelu;

  ClipEncoderLayer(ClipTextConfig c) {
    this(c.hiddenSize(), c.intermediateSize(), c.numAttentionHeads(), c.layerNormEps(), c.hiddenAct());
  }

  ClipEncoderLayer(ClipVisionConfig c) {
    this(c.hiddenSize(), c.intermediateSize(), c.numAttentionHeads(), c.layerNormEps(), c.hiddenAct());
  }

  /** @param act "quick_gelu" or "gelu" (the configs' parsers refuse anything else) */
  private ClipEncoderLayer(int hidden, int intermediate, int heads, double layerNormEps, String act) {
    float eps = (float) layerNormEps;
    attn = child("self_attn", new ClipAttention(hidden, heads));
    ln1 = child("layer_norm1", new LayerNorm(hidden, eps));
    fc1 = child("mlp.fc1", new Linear(hidden, intermediate, true));
    fc2 = child("mlp.fc2", new Linear(intermediate, hidden, true));
    ln2 = child("layer_norm2", new LayerNorm(hidden, eps));
    quickGelu = act.equals("quick_gelu");
  }

  /** @param x [B, T, D]; @param mask additive (the text's causal mask), or null (vision: full attention) */
  NDArray forward(NDArray x, NDArray mask) {
    NDArray h = x.add(attn.forward(ln1.forward(x), mask));
    NDArray a = fc1.forward(ln2.forward(h));
    a = quickGelu ? Ops.quickGelu(a) : Ops.gelu(a);
    return h.add(fc2.forward(a));
  }
}
