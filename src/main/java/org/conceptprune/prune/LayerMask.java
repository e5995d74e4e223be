package org.conceptprune.prune;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A pruning mask over one weight [out, in], as a bitset: bit p = i * in + j (row-major) is 1 when
 * W[i,j] is pruned. Bit p lives in word p / 64 at bit p % 64, so the words written little-endian are
 * exactly the packed-bits format of {@link #toPackedBits()} (byte p / 8, bit p % 8, LSB first).
 * Bits past out * in are always 0.
 */
public final class LayerMask {
  private final int out;
  private final int in;
  private final long[] words;

  public LayerMask(int out, int in) {
    if (out < 0 || in < 0 || (long) out * in > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad mask shape [" + out + ", " + in + "]");
    }
    this.out = out;
    this.in = in;
    this.words = new long[(out * in + 63) >>> 6];
  }

  public int out() {
    return out;
  }

  public int in() {
    return in;
  }

  /** out * in. */
  public int numel() {
    return out * in;
  }

  public boolean get(int i, int j) {
    return get(index(i, j));
  }

  public boolean get(int p) {
    return (words[p >>> 6] & (1L << p)) != 0;
  }

  public void set(int i, int j) {
    set(index(i, j));
  }

  public void set(int p) {
    words[p >>> 6] |= 1L << p;
  }

  public void clear(int p) {
    words[p >>> 6] &= ~(1L << p);
  }

  private int index(int i, int j) {
    if (i < 0 || i >= out || j < 0 || j >= in) {
      throw new IndexOutOfBoundsException("(" + i + ", " + j + ") outside [" + out + ", " + in + "]");
    }
    return i * in + j;
  }

  /** |M|: the number of pruned weights. */
  public long count() {
    long n = 0;
    for (long w : words) n += Long.bitCount(w);
    return n;
  }

  /** this |= other, in place; returns this. */
  public LayerMask or(LayerMask other) {
    requireSameShape(other);
    for (int w = 0; w < words.length; w++) words[w] |= other.words[w];
    return this;
  }

  /** |this ∩ other|: the weights both masks prune. */
  public long countAnd(LayerMask other) {
    requireSameShape(other);
    long n = 0;
    for (int w = 0; w < words.length; w++) n += Long.bitCount(words[w] & other.words[w]);
    return n;
  }

  /** The next set bit at or after p, or -1. */
  public int nextSetBit(int p) {
    if (p >= numel()) return -1;
    int w = p >>> 6;
    long word = words[w] & (-1L << p);
    while (true) {
      if (word != 0) return (w << 6) + Long.numberOfTrailingZeros(word);
      if (++w == words.length) return -1;
      word = words[w];
    }
  }

  public LayerMask copy() {
    LayerMask m = new LayerMask(out, in);
    System.arraycopy(words, 0, m.words, 0, words.length);
    return m;
  }

  /** W <- W ⊙ (1 - M): zeroes the pruned weights of w [out, in] in place. */
  public void applyTo(float[] w) {
    if (w.length != numel()) {
      throw new IllegalArgumentException("weight has " + w.length + " values, mask is [" + out + ", " + in + "]");
    }
    for (int p = nextSetBit(0); p >= 0; p = nextSetBit(p + 1)) w[p] = 0f;
  }

  /** One byte per weight, 1 = pruned: the golden files' U8 [out, in] layout. */
  byte[] toU8() {
    byte[] b = new byte[numel()];
    for (int p = nextSetBit(0); p >= 0; p = nextSetBit(p + 1)) b[p] = 1;
    return b;
  }

  /** From one byte per weight; any non-zero byte means pruned. */
  public static LayerMask fromU8(int out, int in, byte[] u8) {
    LayerMask m = new LayerMask(out, in);
    if (u8.length != m.numel()) {
      throw new IllegalArgumentException(u8.length + " bytes for a mask [" + out + ", " + in + "]");
    }
    for (int p = 0; p < u8.length; p++) if (u8[p] != 0) m.set(p);
    return m;
  }

  /** Packed bits: ceil(out * in / 8) bytes, bit p at byte p / 8, bit p % 8 (LSB first), pad 0. */
  public byte[] toPackedBits() {
    ByteBuffer b = ByteBuffer.allocate(words.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long w : words) b.putLong(w);
    return Arrays.copyOf(b.array(), packedLength(numel()));
  }

  /**
   * The inverse of {@link #toPackedBits()}.
   *
   * @throws IllegalArgumentException when the length is wrong or a pad bit past out * in is set
   */
  public static LayerMask fromPackedBits(int out, int in, byte[] bits) {
    LayerMask m = new LayerMask(out, in);
    int n = m.numel();
    if (bits.length != packedLength(n)) {
      throw new IllegalArgumentException(bits.length + " bytes of packed bits, [" + out + ", " + in
          + "] needs " + packedLength(n));
    }
    ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(bits, m.words.length * 8)).order(ByteOrder.LITTLE_ENDIAN);
    for (int w = 0; w < m.words.length; w++) m.words[w] = b.getLong();
    if ((n & 63) != 0 && m.words.length > 0 && (m.words[m.words.length - 1] >>> (n & 63)) != 0) {
      throw new IllegalArgumentException("pad bits past the " + n + " mask bits are set");
    }
    return m;
  }

  /** ceil(numel / 8). */
  public static int packedLength(int numel) {
    return (numel + 7) >>> 3;
  }

  void requireSameShape(LayerMask o) {
    if (o.out != out || o.in != in) {
      throw new IllegalArgumentException("mask shapes differ: [" + out + ", " + in + "] vs [" + o.out + ", " + o.in + "]");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LayerMask m && m.out == out && m.in == in && Arrays.equals(m.words, words);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * out + in) + Arrays.hashCode(words);
  }

  @Override
  public String toString() {
    return "LayerMask[" + out + ", " + in + "] pruned " + count();
  }
}
