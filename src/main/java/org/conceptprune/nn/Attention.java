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
  /** Upper bound on one block of attention scores, in floats (4 Mi floats = 16 MiB). */
  static final long SCORE_BUDGET = Long.getLong("conceptprune.attention.block", 4L << 20);

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
    Ops.release(q, k, v);
    NDArray y = toOut.forward(o);
    Ops.release(o);
    return y;
  }

  /**
   * softmax(q k^T / sqrt(d) + mask) v. Without a mask this is libtorch's fused kernel
   * ({@link FusedAttention}); with one, or where that kernel cannot be loaded, it is computed block by block: groups of heads and chunks
   * of queries such that one block of scores holds at most SCORE_BUDGET floats. Small blocks stay in
   * cache: at 4096 tokens this ran 2.3x faster than 256 MiB blocks, and the memory it needs is bounded
   * at any image size.
   *
   * @param q [B, T, H*D]; @param k, v [B, S, H*D]; @param mask additive [T, S], or [B*H, T, S]
   *     (per-row padding masks), or null
   * @return [B, T, H*D]
   */
  public static NDArray sdpa(NDArray q, NDArray k, NDArray v, int heads, NDArray mask) {
    if (mask == null) {
      long b = q.getShape().get(0);
      long t = q.getShape().get(1);
      long inner = q.getShape().get(2);
      long t0 = Profiler.start();
      NDArray qh = splitHeads(q, heads); // [B, H, T, D]
      NDArray kh = splitHeads(k, heads); // [B, H, S, D]
      NDArray vh = splitHeads(v, heads);
      NDArray o = FusedAttention.attend(qh, kh, vh); // [B, H, T, D]
      // Views keep their storage alive: left open, they would hold q, k, v until the caller's scope
      // ends, and those made from the cross-attention context (in the sampler's scope) until the
      // sampling run ends (SD-1.5, 512 px, CFG batch 4, fp32: 31 MB per UNet call). Not while autograd
      // records: there the graph may read them in backward (Ops.release).
      Ops.release(qh, kh, vh);
      if (o != null) {
        Profiler.stop("attention", t0);
        NDArray ot = o.transpose(0, 2, 1, 3); // [B, T, H, D]
        NDArray out = ot.reshape(b, t, inner);
        Ops.release(ot, o);
        return out;
      }
    }
    if (Bf16.is(q)) throw new IllegalStateException("bf16 attention needs libtorch's fused kernel, which could not be loaded");
    return sdpa(q, k, v, heads, mask, SCORE_BUDGET);
  }

  /** As above with a given block budget in floats (tests use small ones to exercise the blocking). */
  static NDArray sdpa(NDArray q, NDArray k, NDArray v, int heads, NDArray mask, long budget) {
    long b = q.getShape().get(0);
    long t = q.getShape().get(1);
    long s = k.getShape().get(1);
    long inner = q.getShape().get(2);
    long d = inner / heads;
    float scale = (float) (1.0 / Math.sqrt(d));
    NDArray qh = flatHeads(q, heads, false); // [B*H, T, D]
    NDArray kt = flatHeads(k, heads, true); // [B*H, D, S]
    NDArray vh = flatHeads(v, heads, false); // [B*H, S, D]
    long bh = b * heads;
    boolean perHeadMask = mask != null && mask.getShape().dimension() == 3;
    long rows = Math.min(t, Math.max(1, budget / s)); // query rows per block
    long group = rows < t ? 1 : Math.max(1, Math.min(bh, budget / (t * s))); // heads per block
    NDList headOuts = new NDList();
    for (long h0 = 0; h0 < bh; h0 += group) {
      long h1 = Math.min(bh, h0 + group);
      NDArray qg = group == bh ? qh : qh.get(h0 + ":" + h1);
      NDArray kg = group == bh ? kt : kt.get(h0 + ":" + h1);
      NDArray vg = group == bh ? vh : vh.get(h0 + ":" + h1);
      NDArray mg = perHeadMask && group != bh ? mask.get(h0 + ":" + h1) : mask;
      if (rows >= t) {
        headOuts.add(block(qg, kg, vg, mg, scale));
        continue;
      }
      NDList chunks = new NDList();
      for (long r0 = 0; r0 < t; r0 += rows) {
        String r = r0 + ":" + Math.min(t, r0 + rows);
        NDArray mc = mg == null ? null : perHeadMask ? mg.get(new NDIndex(":, " + r)) : mg.get(new NDIndex(r));
        chunks.add(block(qg.get(new NDIndex(":, " + r)), kg, vg, mc, scale));
      }
      headOuts.add(NDArrays.concat(chunks, 1));
    }
    NDArray out = headOuts.size() == 1 ? headOuts.get(0) : NDArrays.concat(headOuts, 0);
    Ops.release(qh, kt, vh);
    NDArray o4 = out.reshape(b, heads, t, d);
    NDArray ot = o4.transpose(0, 2, 1, 3);
    NDArray result = ot.reshape(b, t, inner);
    Ops.release(o4, ot, out);
    if (headOuts.size() > 1) Ops.release(headOuts.toArray(new NDArray[0]));
    return result;
  }

  /** [B, N, H*D] -> [B, H, N, D], a view; the intermediate handle is closed (a view holds its storage). */
  private static NDArray splitHeads(NDArray x, int heads) {
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    NDArray r = x.reshape(b, n, heads, x.getShape().get(2) / heads);
    NDArray out = r.transpose(0, 2, 1, 3);
    Ops.release(r);
    return out;
  }

  /** [B, N, H*D] -> [B*H, N, D], or [B*H, D, N] when transposed, with no intermediate handle left open. */
  private static NDArray flatHeads(NDArray x, int heads, boolean transposed) {
    long b = x.getShape().get(0);
    long n = x.getShape().get(1);
    long d = x.getShape().get(2) / heads;
    NDArray r = x.reshape(b, n, heads, d);
    NDArray p = transposed ? r.transpose(0, 2, 3, 1) : r.transpose(0, 2, 1, 3);
    NDArray out = transposed ? p.reshape(b * heads, d, n) : p.reshape(b * heads, n, d);
    Ops.release(r, p);
    return out;
  }

  /**
   * One block: softmax(q kt * scale + mask) v. The scale multiplies the scores, not q, as torch's CPU
   * attention kernels do (scaling q first moved 10-step Euler latents by 1e-4).
   */
  private static NDArray block(NDArray q, NDArray kt, NDArray v, NDArray mask, float scale) {
    long t0 = Profiler.start();
    // Out of place, the scale through Ops.mul: 1e29 gradients on q and k once seen here under autograd (toy
    // CLIP training) came from DJL's number operand, which autograd read after it was freed (see Ops.mul).
    NDArray raw = q.matMul(kt);
    NDArray scores = Ops.mul(raw, scale); // [n, rows, s]
    Ops.release(raw);
    if (mask != null) {
      NDArray masked = scores.add(mask);
      Ops.release(scores);
      scores = masked;
    }
    NDArray p = scores.softmax(-1);
    Ops.release(scores);
    NDArray o = p.matMul(v); // [n, rows, d]
    Ops.release(p);
    Profiler.stop("attention", t0);
    return o;
  }

}
