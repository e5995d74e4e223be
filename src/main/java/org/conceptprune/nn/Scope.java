package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.Supplier;

/**
 * Runs a block's forward pass in a child memory scope: every intermediate array made from the given
 * inputs is freed when the block returns, and only its result survives (in the caller's scope).
 * Keeps the native memory of a UNet call near the size of its live activations.
 */
public final class Scope {
  private Scope() {}

  public static NDArray run(NDArray main, Supplier<NDArray> body) {
    NDManager parent = main.getManager();
    try (NDManager sub = parent.newSubManager()) {
      main.tempAttach(sub);
      NDArray out = body.get();
      out.attach(parent);
      return out;
    }
  }
}
