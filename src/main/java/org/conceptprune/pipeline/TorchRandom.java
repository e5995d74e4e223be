package org.conceptprune.pipeline;

/**
 * The initial noise of a seed: bit-compatible with {@code torch.randn(shape,
 * generator=torch.Generator().manual_seed(seed))} on CPU in float32 (up to the last bit of log/sin/cos),
 * so a seed here gives the latents diffusers would start from on CPU.
 *
 * <p>torch's CPU normal sampler: fill the tensor with uniforms u = (mt19937() & (2^24-1)) / 2^24, then
 * Box-Muller on blocks of 16 (u1 = 1 - x[j], u2 = x[j+8], j < 8); when the size is not a multiple of
 * 16, the last 16 values are redrawn and transformed again. {@link #randn(int)} computes θ in double
 * and refuses fewer than 16 values (never the case for latents); {@link #normal(int)} is torch's whole
 * {@code randn(n)}: the vector path with θ in float32 as torch computes it, and for n < 16 the scalar
 * double-precision Box-Muller whose second value is cached in the generator (REVIVAL.md §3a).
 */
public final class TorchRandom {
  private final int[] mt = new int[624];
  private int index;
  /** torch's {@code next_double_normal_sample}: the scalar path's second value, kept for the next draw. */
  private double cachedNormal;
  private boolean hasCachedNormal;

  public TorchRandom(long seed) {
    mt[0] = (int) seed;
    for (int i = 1; i < 624; i++) {
      mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }
    index = 624;
  }

  /** Next 32-bit output of the Mersenne twister (unsigned, in a long). */
  long nextUint32() {
    if (index >= 624) twist();
    int y = mt[index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y & 0xffffffffL;
  }

  private void twist() {
    for (int i = 0; i < 624; i++) {
      int y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
      int next = mt[(i + 397) % 624] ^ (y >>> 1);
      if ((y & 1) != 0) next ^= 0x9908b0df;
      mt[i] = next;
    }
    index = 0;
  }

  private float uniform() {
    return (nextUint32() & ((1 << 24) - 1)) * (1.0f / (1 << 24));
  }

  /**
   * torch.randn(n) from this generator, both of torch's paths: n >= 16 the vector Box-Muller with θ =
   * float32(2π)·u2 in float32; n < 16 the scalar double path, one value at a time with the cache.
   */
  public float[] normal(int n) {
    if (n >= 16) return vector(n, true);
    float[] d = new float[n];
    for (int i = 0; i < n; i++) d[i] = (float) scalarNormal();
    return d;
  }

  /**
   * torch's {@code normal_distribution<double>}: the cached value if any, else u1, u2 = uniform53(),
   * ρ = √(−2·log1p(−u2)), θ = 2π·u1; caches ρ sin θ and returns ρ cos θ.
   */
  double scalarNormal() {
    if (hasCachedNormal) {
      hasCachedNormal = false;
      return cachedNormal;
    }
    double u1 = uniform53();
    double u2 = uniform53();
    double r = Math.sqrt(-2.0 * Math.log1p(-u2));
    double theta = 2.0 * Math.PI * u1;
    cachedNormal = r * Math.sin(theta);
    hasCachedNormal = true;
    return r * Math.cos(theta);
  }

  /** ((hi << 32 | lo) & (2^53 - 1)) · 2^-53 from two outputs, hi first (torch's random64). */
  private double uniform53() {
    long hi = nextUint32();
    long lo = nextUint32();
    return ((hi << 32 | lo) & ((1L << 53) - 1)) * 0x1.0p-53;
  }

  /** n standard normal floats, as torch.randn(n) would draw them from this generator (n >= 16, θ in double). */
  public float[] randn(int n) {
    if (n < 16) throw new IllegalArgumentException("randn(n) is the vector path (n >= 16); normal(n) has the scalar path");
    return vector(n, false);
  }

  /** The vector path: uniforms, Box-Muller per block of 16, the tail block redrawn; θ in float32 or in double. */
  private float[] vector(int n, boolean floatTheta) {
    float[] d = new float[n];
    for (int i = 0; i < n; i++) d[i] = uniform();
    for (int i = 0; i + 16 <= n; i += 16) boxMuller16(d, i, floatTheta);
    if (n % 16 != 0) {
      int off = n - 16;
      for (int i = 0; i < 16; i++) d[off + i] = uniform();
      boxMuller16(d, off, floatTheta);
    }
    return d;
  }

  private static void boxMuller16(float[] d, int off, boolean floatTheta) {
    for (int j = 0; j < 8; j++) {
      float u1 = 1 - d[off + j];
      float u2 = d[off + j + 8];
      float radius = (float) Math.sqrt(-2 * (float) Math.log(u1));
      float theta = floatTheta ? (float) (2.0 * Math.PI) * u2 : (float) (2.0 * Math.PI * u2);
      d[off + j] = radius * (float) Math.cos(theta);
      d[off + j + 8] = radius * (float) Math.sin(theta);
    }
  }

  /** torch.randn(shape, generator=Generator().manual_seed(seed)) on CPU. */
  public static float[] randn(long seed, int n) {
    return new TorchRandom(seed).randn(n);
  }
}
