package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.conceptprune.Check;
import org.conceptprune.pipeline.TorchRandom;
import org.conceptprune.runtime.TorchRuntime;
import org.junit.jupiter.api.Test;

/** Attention: the fused SDPA kernel (values and gradients) and the blocked path (head groups, query chunks), each against the one-block computation. */
class AttentionTest {
  @Test
  void fusedKernelLoadsAndAgreesWithTheBlockedPath() {
    try (NDManager m = TorchRuntime.newManager()) {
      int b = 2;
      int heads = 4;
      int t = 300;
      int d = 8;
      NDArray q = m.create(TorchRandom.randn(4, b * t * heads * d), new Shape(b, t, heads * d));
      NDArray k = m.create(TorchRandom.randn(5, b * t * heads * d), new Shape(b, t, heads * d));
      NDArray v = m.create(TorchRandom.randn(6, b * t * heads * d), new Shape(b, t, heads * d));
      NDArray fused = FusedAttention.attend(q.reshape(b, t, heads, d).transpose(0, 2, 1, 3),
          k.reshape(b, t, heads, d).transpose(0, 2, 1, 3), v.reshape(b, t, heads, d).transpose(0, 2, 1, 3));
      org.junit.jupiter.api.Assertions.assertNotNull(fused, "the TorchScript SDPA module must load");
      Check.close("fused vs blocked attention", Attention.sdpa(q, k, v, heads, null, 1000).toFloatArray(),
          fused.transpose(0, 2, 1, 3).reshape(b, t, heads * d).toFloatArray(), 1e-5);
    }
  }

  @Test
  void gradientsFlowThroughTheFusedKernel() {
    try (NDManager m = TorchRuntime.newManager()) {
      int b = 1;
      int heads = 2;
      int t = 16;
      int d = 4;
      float[][] grads = new float[2][];
      for (int pass = 0; pass < 2; pass++) {
        NDArray q = m.create(TorchRandom.randn(7, b * t * heads * d), new Shape(b, t, heads * d));
        NDArray k = m.create(TorchRandom.randn(8, b * t * heads * d), new Shape(b, t, heads * d));
        NDArray v = m.create(TorchRandom.randn(9, b * t * heads * d), new Shape(b, t, heads * d));
        q.setRequiresGradient(true);
        try (var gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
          NDArray o = pass == 0 ? Attention.sdpa(q, k, v, heads, null) : Attention.sdpa(q, k, v, heads, null, 1000);
          gc.backward(o.square().sum());
        }
        grads[pass] = q.getGradient().toFloatArray();
      }
      Check.close("d loss / d q, fused vs blocked", grads[1], grads[0], 1e-5);
    }
  }

  @Test
  void blockingDoesNotChangeTheResult() {
    try (NDManager m = TorchRuntime.newManager()) {
      int b = 2;
      int heads = 3;
      int t = 37;
      int s = 11;
      int d = 4;
      NDArray q = m.create(TorchRandom.randn(1, b * t * heads * d), new Shape(b, t, heads * d));
      NDArray k = m.create(TorchRandom.randn(2, b * s * heads * d), new Shape(b, s, heads * d));
      NDArray v = m.create(TorchRandom.randn(3, b * s * heads * d), new Shape(b, s, heads * d));
      float[] whole = Attention.sdpa(q, k, v, heads, null, Long.MAX_VALUE).toFloatArray();
      for (long budget : new long[] {1, 11, 50, 37 * 11, 2 * 37 * 11 + 1}) {
        Check.close("blocked sdpa, budget " + budget, whole, Attention.sdpa(q, k, v, heads, null, budget).toFloatArray(), 1e-6);
      }
      float[] mv = new float[b * heads * t * s];
      for (int i = 0; i < mv.length; i++) mv[i] = (i * 7 % 5 == 0) ? -Float.MAX_VALUE : 0f;
      NDArray mask3 = m.create(mv, new Shape(b * heads, t, s));
      float[] wholeMasked = Attention.sdpa(q, k, v, heads, mask3, Long.MAX_VALUE).toFloatArray();
      Check.close("blocked masked sdpa", wholeMasked, Attention.sdpa(q, k, v, heads, mask3, 20).toFloatArray(), 1e-6);
      NDArray mask2 = mask3.get(0);
      Check.close("blocked 2-D mask sdpa", Attention.sdpa(q, k, v, heads, mask2, Long.MAX_VALUE).toFloatArray(),
          Attention.sdpa(q, k, v, heads, mask2, 20).toFloatArray(), 1e-6);
    }
  }
}
