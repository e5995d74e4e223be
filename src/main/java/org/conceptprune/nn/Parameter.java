package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/** A named weight of a module: its expected shape, and its value once bound. */
public final class Parameter {
  private final long[] shape;
  private final boolean keepFp32;
  private NDArray value;

  public Parameter(long... shape) {
    this(false, shape);
  }

  /** @param keepFp32 stays fp32 when the module computes in bf16 (norm weights) */
  public Parameter(boolean keepFp32, long... shape) {
    this.shape = shape.clone();
    this.keepFp32 = keepFp32;
  }

  /** True for weights held in fp32 under bf16 precision (the norms' affine weights). */
  public boolean keepFp32() {
    return keepFp32;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long numel() {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  public NDArray value() {
    if (value == null) throw new IllegalStateException("parameter of shape " + Arrays.toString(shape) + " is not loaded");
    return value;
  }

  public boolean isBound() {
    return value != null;
  }

  /** Replaces the value (the old array is closed by its manager, not here). */
  public void set(NDArray v) {
    this.value = v;
  }
}
