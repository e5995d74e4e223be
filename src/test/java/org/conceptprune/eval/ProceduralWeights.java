package org.conceptprune.eval;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic test weights that any language reproduces bit for bit (the recipe of
 * {@code fixtures/eval/README.md}), so golden tensors of a full-size evaluator (Inception-v3,
 * ResNet-50) can be checked without shipping its real weights.
 *
 * <pre>
 * key   = FNV-1a-64(UTF-8 name) XOR seed
 * z_i   = splitmix64(key + (i + 1) * 0x9E3779B97F4A7C15)       i = 0..n-1, all mod 2^64
 * u_i   = (z_i >>> 40) / 2^24                                   in [0, 1), exact in float64
 * value = 0.5 + u                       name ends with "running_var"
 *         1 + 0.2 (u - 0.5)             1-D and name ends with ".weight" (norm scales)
 *         0.2 (u - 0.5)                 other 0-D / 1-D tensors (biases, running_mean)
 *         (2u - 1) / sqrt(prod(shape[1:]))   2 or more dimensions
 * </pre>
 * computed in float64, then rounded to float32.
 */
public final class ProceduralWeights {
  static final long FNV_OFFSET = 0xCBF29CE484222325L;
  static final long FNV_PRIME = 0x100000001B3L;
  static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private ProceduralWeights() {}

  /** The float32 values of tensor {@code name} with {@code shape} under {@code seed}, flattened row-major. */
  public static float[] values(String name, long[] shape, long seed) {
    long n = 1;
    for (long d : shape) n *= d;
    float[] out = new float[Math.toIntExact(n)];
    long key = fnv1a64(name.getBytes(StandardCharsets.UTF_8)) ^ seed;
    Kind kind = kind(name, shape);
    double fanIn = 1;
    for (int i = 1; i < shape.length; i++) fanIn *= shape[i];
    double scale = 1 / Math.sqrt(fanIn);
    for (int i = 0; i < out.length; i++) {
      double u = unit(splitmix64(key + (i + 1L) * GOLDEN_GAMMA));
      double v = switch (kind) {
        case RUNNING_VAR -> 0.5 + u;
        case NORM_SCALE -> 1 + 0.2 * (u - 0.5);
        case SMALL -> 0.2 * (u - 0.5);
        case MATRIX -> (2 * u - 1) * scale;
      };
      out[i] = (float) v;
    }
    return out;
  }

  private enum Kind { RUNNING_VAR, NORM_SCALE, SMALL, MATRIX }

  private static Kind kind(String name, long[] shape) {
    if (name.endsWith("running_var")) return Kind.RUNNING_VAR;
    if (shape.length <= 1) return shape.length == 1 && name.endsWith(".weight") ? Kind.NORM_SCALE : Kind.SMALL;
    return Kind.MATRIX;
  }

  /** FNV-1a, 64 bits: h = (h XOR byte) * prime for each byte. */
  static long fnv1a64(byte[] bytes) {
    long h = FNV_OFFSET;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= FNV_PRIME;
    }
    return h;
  }

  /** The splitmix64 output function (Steele, Lea, Flood 2014). */
  static long splitmix64(long x) {
    x ^= x >>> 30;
    x *= 0xBF58476D1CE4E5B9L;
    x ^= x >>> 27;
    x *= 0x94D049BB133111EBL;
    x ^= x >>> 31;
    return x;
  }

  /** The top 24 bits as a fraction: u = (z >>> 40) / 2^24. */
  static double unit(long z) {
    return (z >>> 40) / 16777216.0;
  }
}
