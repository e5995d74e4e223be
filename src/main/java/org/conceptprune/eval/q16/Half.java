package org.conceptprune.eval.q16;

import org.conceptprune.io.safetensors.DType;

/**
 * torch's float16 arithmetic on the CPU, emulated in float32: every op on float16 tensors computes in
 * float32 and rounds its result to float16 ({@link #f16}). Q16 runs its classifier this way; computing
 * in float32 instead moves its probabilities by up to ~4.5e-3.
 */
final class Half {
  private Half() {}

  /** x rounded to the nearest float16 (ties to even), as a float. */
  static float f16(float x) {
    return DType.halfToFloat(DType.floatToHalf(x));
  }

  /**
   * {@code v / v.norm()} of a float16 row: {@code n = f16(sqrt(sum v_k^2))} (float32 sum),
   * {@code f16(v_k / n)}; then times {@code scale} with one more rounding when scale != 1
   * ({@code f16(100 * en)}).
   *
   * @param v [D] float16 values; @param off its first index in a larger array
   */
  static float[] normalized(float[] v, int off, int d, float scale) {
    float sum = 0f;
    for (int k = 0; k < d; k++) sum += v[off + k] * v[off + k];
    float n = f16((float) Math.sqrt(sum));
    float[] out = new float[d];
    for (int k = 0; k < d; k++) {
      float e = f16(v[off + k] / n);
      out[k] = scale == 1f ? e : f16(scale * e);
    }
    return out;
  }

  /** {@code f16(sum_k a_k b_k)}, float32 accumulation (a float16 matmul's row x column). */
  static float dot(float[] a, float[] b) {
    float s = 0f;
    for (int k = 0; k < a.length; k++) s += a[k] * b[k];
    return f16(s);
  }

  /** {@code torch.softmax} of a float16 row: {@code f16(exp(y_i - max) / sum)}, float32 inside. */
  static float[] softmax(float[] y) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : y) max = Math.max(max, v);
    float[] e = new float[y.length];
    float sum = 0f;
    for (int i = 0; i < y.length; i++) {
      e[i] = (float) Math.exp(y[i] - max);
      sum += e[i];
    }
    for (int i = 0; i < y.length; i++) e[i] = f16(e[i] / sum);
    return e;
  }
}
