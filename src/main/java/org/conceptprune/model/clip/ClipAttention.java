package org.conceptprune.model.clip;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Attention;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;

/** CLIP self-attention: q_proj / k_proj / v_proj / out_proj, all with bias, with an optional additive mask. */
final class ClipAttention extends Module {
  private final int heads;
  private final Linear q;
  private final Linear k;
  private final Linear v;
  private final Linear out;

  ClipAttention(int dim, int heads) {
    this.heads = heads;
    q = child("q_proj", new Linear(dim, dim, true));
    k = child("k_proj", new Linear(dim, dim, true));
    v = child("v_proj", new Linear(dim, dim, true));
    out = child("out_proj", new Linear(dim, dim, true));
  }

  /** @param mask additive [T, T] or [B*H, T, T], or null for full (non-causal) attention */
  NDArray forward(NDArray x, NDArray mask) { // [B, T, D]
    return out.forward(Attention.sdpa(q.forward(x), k.forward(x), v.forward(x), heads, mask));
  }
}
