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
    float eps = (float) c.layerNormEps();
    attn = child("self_attn", new ClipAttention(c.hiddenSize(), c.numAttentionHeads()));
    ln1 = child("layer_norm1", new LayerNorm(c.hiddenSize(), eps));
    fc1 = child("mlp.fc1", new Linear(c.hiddenSize(), c.intermediateSize(), true));
    fc2 = child("mlp.fc2", new Linear(c.intermediateSize(), c.hiddenSize(), true));
    ln2 = child("layer_norm2", new LayerNorm(c.hiddenSize(), eps));
    quickGelu = c.hiddenAct().equals("quick_gelu");
  }

  NDArray forward(NDArray x, NDArray mask) {
    NDArray h = x.add(attn.forward(ln1.forward(x), mask));
    NDArray a = fc1.forward(ln2.forward(h));
    a = quickGelu ? Ops.quickGelu(a) : Ops.gelu(a);
    return h.add(fc2.forward(a));
  }
}
