package org.conceptprune.io.pickle;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.conceptprune.io.safetensors.DType;

/**
 * A NumPy array read from a pickle: element type, shape and the C-ordered little-endian bytes.
 *
 * @param shape row-major dimensions ({@code []} for a 0-d array)
 */
public record NumpyArray(DType dtype, long[] shape, byte[] data) {
  /** Number of elements. */
  public long size() {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  /** The values widened to float (F16, BF16, F32, F64 exactly where float can hold them). */
  public float[] floats() {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[Math.toIntExact(size())];
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (dtype) {
        case F16 -> DType.halfToFloat(b.getShort());
        case BF16 -> DType.bf16ToFloat(b.getShort());
        case F32 -> b.getFloat();
        case F64 -> (float) b.getDouble();
        default -> throw new IllegalStateException(dtype + " is not a float type");
      };
    }
    return out;
  }

  /** {@code "float16 [2, 768]"}. */
  public String describe() {
    return NumpyPickle.numpyName(dtype) + " " + java.util.Arrays.toString(shape);
  }
}
