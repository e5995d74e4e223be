package org.conceptprune.io.safetensors;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;

/** Named tensors read lazily from one or several safetensors files (a checkpoint). */
public interface TensorSource extends AutoCloseable {
  /** Every tensor of the checkpoint, by name, in sorted order. */
  Map<String, TensorInfo> tensors();

  default Set<String> names() {
    return tensors().keySet();
  }

  default TensorInfo info(String name) {
    TensorInfo i = tensors().get(name);
    if (i == null) throw new IllegalArgumentException("no tensor '" + name + "' in " + describe());
    return i;
  }

  /** The `__metadata__` of the (first) file. */
  Map<String, String> metadata();

  /** Where the tensors come from, for messages. */
  String describe();

  /**
   * The raw little-endian bytes of a tensor: a read-only memory-mapped view (or a heap copy), valid
   * until close. Each call gives a buffer of its own, which the caller may free at once with {@link
   * Buffers#release} (a mapped tensor's pages count in the process's memory until it is unmapped).
   */
  ByteBuffer bytes(String name);

  /** The tensor widened (F16/BF16) or narrowed (F64) to float, or converted from an integer type. */
  default float[] floats(String name) {
    ByteBuffer b = bytes(name);
    try {
      return TensorCodec.toFloats(info(name), b);
    } finally {
      Buffers.release(b);
    }
  }

  /** An integer tensor (any integer or bool dtype) as longs. */
  default long[] longs(String name) {
    ByteBuffer b = bytes(name);
    try {
      return TensorCodec.toLongs(info(name), b);
    } finally {
      Buffers.release(b);
    }
  }

  @Override
  void close();
}
