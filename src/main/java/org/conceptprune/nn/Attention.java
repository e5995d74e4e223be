package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * diffusers' {@code Attention}: to_q / to_k / to_v, multi-head scaled dot-product attention, to_out.0.
 * Self-attention when no context is given, cross-attention otherwise.
 */
public final class Attention extends Module {
  /** Upper bound on one slice of attention scores, in floats (64 Mi floats = 256 MiB). */
  static final long SCORE_BUDGET = 64L << 20;

  public final int heads;
  public final int dimHead;
  public final Linear toQ;
  public final Linear toK;
  public final Linear toV;
  public final Linear toOut;

  public Attention(int queryDim, int contextDim, int heads, int dimHead, boolean qkvBias) {
    this.heads = heads;
    this.dimHead = dimHead;
    int inner = heads * dimHead;
    toQ = child("to_q", new Linear(queryDim, inner, qkvBias));
    toK = child("to_k", new Linear(contextDim, inner, qkvBias));
    toV = child("to_v", new Linear(contextDim, inner, qkvBias));
    toOut = child("to_out.0", new Linear(inner, queryDim, true));
  }

  /** @param x [B, T, queryDim]; @param context [B, S, contextDim] or null for self-attention */
  public NDArray forward(NDArray x, NDArray context) {
    NDArray ctx = context == null ? x : context;
    NDArray q = toQ.forward(x); // [B, T, inner]
    NDArray k = toK.forward(ctx); // [B, S, inner]
    NDArray v = toV.forward(ctx); // [B, S, inner]
    NDArray o = sdpa(q, k, v, heads, null); // [B, T, inner]
    return toOut.forward(o);
  }

  /**
   * softmax(q k^T / sqrt(d) + mask) v per head, computed in slices of batch x heads (and of queries
   * when one head alone would exceed the budget) so the score matrix never exceeds SCORE_BUDGET.
   *
   * @param q [B, T, H*D]; @param k, v [B, S, H*D]; @param mask additive [T, S], or [B*H, T, S]
   *     (per-row padding masks; then no query slicing), or null
   * @return [B, T, H*D]
   */
  public static NDArray sdpa(NDArray q, NDArray k, NDArray v, int heads, NDArray mask) {
    long b = q.getShape().get(0);
    long t = q.getShape().get(1);
    long s = k.getShape().get(1);
    long inner = q.getShape().get(2);
    long d = inner / heads;
    float scale = (float) (1.0 / Math.sqrt(d));
    NDArray qh = q.reshape(b, t, heads, d).transpose(0, 2, 1, 3).reshape(b * heads, t, d);
    NDArray kt = k.reshape(b, s, heads, d).transpose(0, 2, 3, 1).reshape(b * heads, d, s);
    NDArray vh = v.reshape(b, s, heads, d).transpose(0, 2, 1, 3).reshape(b * heads, s, d);
    long bh = b * heads;
    long perHead = t * s;
    NDArray out;
    if (bh * perHead <= SCORE_BUDGET) {
      out = headsSlice(qh, kt, vh, scale, mask);
    } else if (perHead <= SCORE_BUDGET) {
      long step = Math.max(1, SCORE_BUDGET / perHead);
      NDList parts = new NDList();
      for (long i = 0; i < bh; i += step) {
        String r = i + ":" + Math.min(bh, i + step);
        NDArray m = mask != null && mask.getShape().dimension() == 3 ? mask.get(r) : mask;
        parts.add(headsSlice(qh.get(r), kt.get(r), vh.get(r), scale, m));
      }
      out = NDArrays.concat(parts, 0);
    } else {
      long rows = Math.max(1, SCORE_BUDGET / s);
      NDList perHeadOut = new NDList();
      for (long i = 0; i < bh; i++) {
        NDList chunks = new NDList();
        NDArray qi = qh.get(i).expandDims(0);
        NDArray ki = kt.get(i).expandDims(0);
        NDArray vi = vh.get(i).expandDims(0);
        for (long r0 = 0; r0 < t; r0 += rows) {
          long r1 = Math.min(t, r0 + rows);
          NDArray m = mask == null ? null : mask.get(new NDIndex(r0 + ":" + r1));
          chunks.add(headsSlice(qi.get(new NDIndex(":, " + r0 + ":" + r1)), ki, vi, scale, m));
        }
        perHeadOut.add(NDArrays.concat(chunks, 1));
      }
      out = NDArrays.concat(perHeadOut, 0);
    }
    return out.reshape(b, heads, t, d).transpose(0, 2, 1, 3).reshape(b, t, inner);
  }

  private static NDArray headsSlice(NDArray q, NDArray kt, NDArray v, float scale, NDArray mask) {
    long t0 = Profiler.start();
    NDArray scores = q.matMul(kt).muli(scale); // [n, t, s]
    if (mask != null) scores.addi(mask);
    NDArray p = scores.softmax(-1);
    scores.close();
    NDArray o = p.matMul(v); // [n, t, d]
    p.close();
    Profiler.stop("attention", t0);
    return o;
  }
}
