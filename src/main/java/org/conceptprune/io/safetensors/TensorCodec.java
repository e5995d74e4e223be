package org.conceptprune.io.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between raw little-endian tensor bytes and Java arrays. */
public final class TensorCodec {
  private TensorCodec() {}

  public static float[] toFloats(TensorInfo info, ByteBuffer raw) {
    ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = Math.toIntExact(info.numel());
    float[] out = new float[n];
    switch (info.dtype()) {
      case F32 -> b.asFloatBuffer().get(out);
      case F16 -> {
        for (int i = 0; i < n; i++) out[i] = DType.halfToFloat(b.getShort(2 * i));
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) out[i] = DType.bf16ToFloat(b.getShort(2 * i));
      }
      case F64 -> {
        for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(8 * i);
      }
      default -> {
        long[] l = toLongs(info, raw);
        for (int i = 0; i < n; i++) out[i] = l[i];
      }
    }
    return out;
  }

  /** Widens a float tensor into a direct native-order F32 buffer (for handing to native code). */
  public static ByteBuffer toF32Direct(TensorInfo info, ByteBuffer raw) {
    int n = Math.toIntExact(info.numel());
    ByteBuffer out = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
    ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    switch (info.dtype()) {
      case F32 -> {
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) out.put(b);
        else for (int i = 0; i < n; i++) out.putFloat(b.getFloat(4 * i));
      }
      case F16 -> {
        for (int i = 0; i < n; i++) out.putFloat(4 * i, DType.halfToFloat(b.getShort(2 * i)));
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) out.putFloat(4 * i, DType.bf16ToFloat(b.getShort(2 * i)));
      }
      default -> {
        float[] f = toFloats(info, raw);
        out.asFloatBuffer().put(f);
      }
    }
    out.clear();
    return out;
  }

  public static long[] toLongs(TensorInfo info, ByteBuffer raw) {
    ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = Math.toIntExact(info.numel());
    long[] out = new long[n];
    switch (info.dtype()) {
      case I64 -> b.asLongBuffer().get(out);
      case I32 -> {
        for (int i = 0; i < n; i++) out[i] = b.getInt(4 * i);
      }
      case I16 -> {
        for (int i = 0; i < n; i++) out[i] = b.getShort(2 * i);
      }
      case I8 -> {
        for (int i = 0; i < n; i++) out[i] = b.get(i);
      }
      case U8, BOOL -> {
        for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff;
      }
      default -> throw new IllegalArgumentException(
          "tensor '" + info.name() + "' is " + info.dtype() + ", expected an integer type");
    }
    return out;
  }

  public static byte[] toBytes(ByteBuffer raw) {
    ByteBuffer b = raw.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  public static ByteBuffer fromFloats(float[] data, DType dtype) {
    ByteBuffer b = ByteBuffer.allocate(data.length * dtype.size).order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case F32 -> b.asFloatBuffer().put(data);
      case F16 -> {
        for (int i = 0; i < data.length; i++) b.putShort(2 * i, DType.floatToHalf(data[i]));
      }
      case BF16 -> {
        for (int i = 0; i < data.length; i++) b.putShort(2 * i, DType.floatToBf16(data[i]));
      }
      case F64 -> {
        for (int i = 0; i < data.length; i++) b.putDouble(8 * i, data[i]);
      }
      default -> throw new IllegalArgumentException("cannot store floats as " + dtype);
    }
    return b;
  }

  public static ByteBuffer fromLongs(long[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(data);
    return b;
  }
}
