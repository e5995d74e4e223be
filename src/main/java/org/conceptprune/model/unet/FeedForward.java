package org.conceptprune.model.unet;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Bf16;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.nn.Profiler;

/**
 * The transformer block's feed-forward network (ALGORITHM.md §1):
 *
 * <pre>
 *   ff.net.0  GEGLU:  [h, g] = proj(x).chunk(2, -1);  a = h * gelu(g)     proj: d -> 2*4d
 *   ff.net.2  Linear: y = W a + b                                          W: [d, 4d]
 * </pre>
 *
 * {@code a} is the input of ff.net.2, where ConceptPrune's skilled neurons live.
 */
public final class FeedForward extends Module {
  public final Linear proj; // ff.net.0.proj
  public final Linear out; // ff.net.2
  private final int inner;

  public FeedForward(int dim, int mult) {
    inner = dim * mult;
    proj = child("net.0.proj", new Linear(dim, 2 * inner, true));
    out = child("net.2", new Linear(inner, dim, true));
  }

  public NDArray forward(NDArray x) { // [B, T, d]
    NDArray hg = proj.forward(x); // [B, T, 2*4d]
    long t0 = Profiler.start();
    NDArray a; // [B, T, 4d]
    if (Bf16.is(hg)) {
      a = Bf16.geglu(hg);
      hg.close();
    } else {
      NDArray h = hg.get("..., 0:" + inner); // first half: hidden
      NDArray g = hg.get("..., " + inner + ":"); // second half: gate
      NDArray gate = Ops.gelu(g);
      a = h.mul(gate);
      Ops.close(gate, g, h, hg); // free the widest temporaries before the next product
    }
    Profiler.stop("geglu", t0);
    NDArray y = out.forward(a);
    a.close();
    return y;
  }
}
