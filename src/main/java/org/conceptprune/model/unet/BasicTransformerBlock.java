package org.conceptprune.model.unet;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Attention;
import org.conceptprune.nn.LayerNorm;
import org.conceptprune.nn.Ops;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Scope;

/**
 * diffusers' BasicTransformerBlock (layer_norm): x += attn1(norm1(x)); x += attn2(norm2(x), context);
 * x += ff(norm3(x)).
 */
public final class BasicTransformerBlock extends Module {
  private final LayerNorm norm1;
  public final Attention attn1;
  private final LayerNorm norm2;
  public final Attention attn2;
  private final LayerNorm norm3;
  public final FeedForward ff;

  /** @param ffMult the feed-forward width multiple (diffusers: always 4) */
  public BasicTransformerBlock(int dim, int heads, int dimHead, int contextDim, int ffMult) {
    norm1 = child("norm1", new LayerNorm(dim, 1e-5f));
    attn1 = child("attn1", new Attention(dim, dim, heads, dimHead, false));
    norm2 = child("norm2", new LayerNorm(dim, 1e-5f));
    attn2 = child("attn2", new Attention(dim, contextDim, heads, dimHead, false));
    norm3 = child("norm3", new LayerNorm(dim, 1e-5f));
    ff = child("ff", new FeedForward(dim, ffMult));
  }

  /** @param x [B, T, dim]; @param context [B, S, contextDim] */
  public NDArray forward(NDArray x, NDArray context) {
    return Scope.run(x, () -> {
      NDArray h = residual(attn1, norm1.forward(x), null, x);
      NDArray h2 = residual(attn2, norm2.forward(h), context, h);
      h.close();
      NDArray n3 = norm3.forward(h2);
      NDArray f = ff.forward(n3);
      n3.close();
      NDArray out = f.add(h2);
      Ops.close(f, h2);
      return out;
    });
  }

  /** attn(normed, context) + skip, freeing the temporaries. */
  private static NDArray residual(Attention attn, NDArray normed, NDArray context, NDArray skip) {
    NDArray a = attn.forward(normed, context);
    normed.close();
    NDArray out = a.add(skip);
    a.close();
    return out;
  }
}
