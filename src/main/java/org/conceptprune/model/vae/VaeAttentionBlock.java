package org.conceptprune.model.vae;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Attention;
import org.conceptprune.nn.GroupNorm;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Scope;

/**
 * The VAE mid-block attention: single head over all H*W positions, q/k/v/out with bias,
 * GroupNorm(eps 1e-6) before and the residual after.
 */
final class VaeAttentionBlock extends Module {
  private final GroupNorm norm;
  private final Linear q;
  private final Linear k;
  private final Linear v;
  private final Linear out;

  VaeAttentionBlock(int channels, int groups) {
    norm = child("group_norm", new GroupNorm(groups, channels, 1e-6f));
    q = child("to_q", new Linear(channels, channels, true));
    k = child("to_k", new Linear(channels, channels, true));
    v = child("to_v", new Linear(channels, channels, true));
    out = child("to_out.0", new Linear(channels, channels, true));
  }

  NDArray forward(NDArray x) { // [B, C, H, W]
    return Scope.run(x, () -> {
      long b = x.getShape().get(0);
      long c = x.getShape().get(1);
      long h = x.getShape().get(2);
      long w = x.getShape().get(3);
      NDArray t = norm.forward(x).reshape(b, c, h * w).transpose(0, 2, 1); // [B, HW, C]
      NDArray o = out.forward(Attention.sdpa(q.forward(t), k.forward(t), v.forward(t), 1, null));
      return o.transpose(0, 2, 1).reshape(b, c, h, w).add(x);
    });
  }
}
