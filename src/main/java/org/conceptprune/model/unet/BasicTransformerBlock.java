package org.conceptprune.model.unet;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Attention;
import org.conceptprune.nn.LayerNorm;
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

  public BasicTransformerBlock(int dim, int heads, int dimHead, int contextDim) {
    norm1 = child("norm1", new LayerNorm(dim, 1e-5f));
    attn1 = child("attn1", new Attention(dim, dim, heads, dimHead, false));
    norm2 = child("norm2", new LayerNorm(dim, 1e-5f));
    attn2 = child("attn2", new Attention(dim, contextDim, heads, dimHead, false));
    norm3 = child("norm3", new LayerNorm(dim, 1e-5f));
    ff = child("ff", new FeedForward(dim, 4));
  }

  /** @param x [B, T, dim]; @param context [B, S, contextDim] */
  public NDArray forward(NDArray x, NDArray context) {
    return Scope.run(x, () -> {
      NDArray h = attn1.forward(norm1.forward(x), null).add(x);
      h = attn2.forward(norm2.forward(h), context).add(h);
      return ff.forward(norm3.forward(h)).add(h);
    });
  }
}
