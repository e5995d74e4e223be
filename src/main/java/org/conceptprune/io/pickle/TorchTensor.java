package org.conceptprune.io.pickle;

import org.conceptprune.io.safetensors.DType;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a strided view of a storage.
 * Identity equality (a tensor may be a dict value many times; it is never a key).
 */
final class TorchTensor {
  final Storage storage;
  final DType dtype;
  /** First element, in elements of the storage. */
  final long offset;
  /** Sizes; empty for a 0-d tensor. */
  final long[] shape;
  /** Element strides, one per dimension. */
  final long[] stride;

  TorchTensor(Storage storage, DType dtype, long offset, long[] shape, long[] stride) {
    this.storage = storage;
    this.dtype = dtype;
    this.offset = offset;
    this.shape = shape;
    this.stride = stride;
  }

  /** Number of elements (the caller has checked the product does not overflow). */
  long numel() {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  /** Row-major with no gaps, so its bytes are one range of the storage (size-1 dimensions ignored). */
  boolean contiguous() {
    long expected = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] == 1) continue;
      if (stride[i] != expected) return false;
      expected *= shape[i];
    }
    return true;
  }
}
