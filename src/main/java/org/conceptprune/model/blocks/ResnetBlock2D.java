package org.conceptprune.model.blocks;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.GroupNorm;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.nn.Scope;

/**
 * diffusers' ResnetBlock2D (time_embedding_norm "default"):
 * h = conv1(silu(norm1(x))) + time_emb_proj(silu(temb)); h = conv2(silu(norm2(h)));
 * out = (shortcut(x) + h) / outputScaleFactor. Without temb channels (VAE) there is no time term.
 */
public final class ResnetBlock2D extends Module {
  private final GroupNorm norm1;
  private final Conv2d conv1;
  private final Linear timeEmbProj;
  private final GroupNorm norm2;
  private final Conv2d conv2;
  private final Conv2d convShortcut;
  private final float outputScaleFactor;

  /** @param tembChannels 0 for no time embedding */
  public ResnetBlock2D(int in, int out, int tembChannels, int groups, float eps, float outputScaleFactor) {
    norm1 = child("norm1", new GroupNorm(groups, in, eps));
    conv1 = child("conv1", new Conv2d(in, out, 3, 1, 1));
    timeEmbProj = tembChannels > 0 ? child("time_emb_proj", new Linear(tembChannels, out, true)) : null;
    norm2 = child("norm2", new GroupNorm(groups, out, eps));
    conv2 = child("conv2", new Conv2d(out, out, 3, 1, 1));
    convShortcut = in != out ? child("conv_shortcut", new Conv2d(in, out, 1, 1, 0)) : null;
    this.outputScaleFactor = outputScaleFactor;
  }

  /** conv(silu(norm(x))), freeing the two temporaries. */
  private static NDArray normActConv(GroupNorm norm, Conv2d conv, NDArray x) {
    NDArray n = norm.forward(x);
    NDArray a = Ops.silu(n);
    n.close();
    NDArray c = conv.forward(a);
    a.close();
    return c;
  }

  /**
   * @param x [N, in, H, W]
   * @param tembAct silu(temb) [N, T] (the activation is shared by all blocks), or null
   */
  public NDArray forward(NDArray x, NDArray tembAct) {
    return Scope.run(x, () -> {
      NDArray h = normActConv(norm1, conv1, x);
      if (timeEmbProj != null) {
        NDArray t = timeEmbProj.forward(tembAct); // [N, out]
        NDArray ht = h.add(t.expandDims(2).expandDims(3));
        Ops.close(t, h);
        h = ht;
      }
      NDArray h2 = normActConv(norm2, conv2, h);
      h.close();
      NDArray skip = convShortcut == null ? x : convShortcut.forward(x);
      NDArray o = skip.add(h2);
      h2.close();
      if (skip != x) skip.close();
      return outputScaleFactor == 1f ? o : Ops.div(o, outputScaleFactor);
    });
  }
}
