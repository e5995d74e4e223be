package org.conceptprune.io.safetensors;

import java.util.Locale;

/** The element types of the safetensors format, with their byte sizes. */
public enum DType {
  F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

  public final int size;

  DType(int size) {
    this.size = size;
  }

  /** @return the dtype named {@code s} in a header, or null when the name is not one we know. */
  public static DType parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public boolean isFloat() {
    return this == F64 || this == F32 || this == F16 || this == BF16;
  }

  /** IEEE half -> float, exact (subnormals, infinities and NaN included). */
  public static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    if (exp == 0) {
      if (mant == 0) return Float.intBitsToFloat(sign);
      float v = mant * 0x1p-24f; // subnormal: mant * 2^-24
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** bfloat16 -> float: the upper 16 bits of an IEEE float. */
  public static float bf16ToFloat(short b) {
    return Float.intBitsToFloat((b & 0xffff) << 16);
  }

  /** float -> IEEE half, round to nearest even. */
  public static short floatToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    int e = exp - 127 + 15;
    if (e >= 0x1f) return (short) (sign | 0x7c00); // overflow -> inf
    if (e <= 0) {
      if (e < -10) return (short) sign; // underflow -> signed zero
      mant |= 0x800000; // implicit bit
      int shift = 14 - e;
      int half = mant >>> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) half++;
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) half++; // may carry into exponent: correct
    return (short) (sign | half);
  }

  /** float -> bfloat16, round to nearest even (NaN kept quiet). */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
