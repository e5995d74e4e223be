package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;

/**
 * libtorch's fused scaled-dot-product attention (flash attention on CPU, the kernel diffusers' default
 * attention processor calls), which DJL's API does not expose: a one-method {@link TorchScript}
 * module, loaded once and called with [B, H, T, D] tensors of any float dtype (bf16 included: the
 * kernel accumulates the softmax in fp32). If the module cannot be loaded (another libtorch), callers
 * fall back to the blocked matmul/softmax path. {@code -Dconceptprune.attention=blocked} forces the
 * fallback.
 */
final class FusedAttention {
  private static final String METHODS = """
        def forward(self: __torch__.SDPA, q: Tensor, k: Tensor, v: Tensor) -> Tensor:
          return torch.scaled_dot_product_attention(q, k, v)
      """;

  private static TorchScript module;
  private static boolean unavailable = "blocked".equals(System.getProperty("conceptprune.attention"));

  private FusedAttention() {}

  /** @return softmax(q k^T / sqrt(d)) v for [B, H, T, D] inputs, or null when the fused kernel is unavailable */
  static synchronized NDArray attend(NDArray q, NDArray k, NDArray v) {
    if (unavailable) return null;
    try {
      if (module == null) module = TorchScript.load("SDPA", METHODS, q.getDevice());
      return module.forward(q, k, v);
    } catch (RuntimeException e) {
      unavailable = true;
      System.err.println("warning: fused attention unavailable (" + e.getMessage() + "); using blocked attention");
      return null;
    }
  }
}
