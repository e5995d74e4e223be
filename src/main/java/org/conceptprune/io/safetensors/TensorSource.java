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

  /** The raw little-endian bytes of a tensor: a read-only memory-mapped view, valid until close. */
  ByteBuffer bytes(String name);

  /** The tensor widened (F16/BF16) or narrowed (F64) to float, or converted from an integer type. */
  default float[] floats(String name) {
    return TensorCodec.toFloats(info(name), bytes(name));
  }

  /** An integer tensor (any integer or bool dtype) as longs. */
  default long[] longs(String name) {
    return TensorCodec.toLongs(info(name), bytes(name));
  }

  @Override
  void close();
}
