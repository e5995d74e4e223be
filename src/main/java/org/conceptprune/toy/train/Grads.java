package org.conceptprune.toy.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Parameter;

/**
 * Gradients of a module's parameters through DJL/libtorch autograd. Parameters marked trainable
 * accumulate {@code .grad} when a {@link ai.djl.training.GradientCollector} runs backward over a loss
 * computed from them; the optimiser reads and then zeroes them.
 */
public final class Grads {
  private Grads() {}

  /** Marks every parameter of the module as requiring a gradient. */
  public static void requireGrad(Module m) {
    for (Parameter p : m.parameters().values()) p.value().setRequiresGradient(true);
  }

  /** Turns gradients off (for inference after training). */
  public static void noGrad(Module m) {
    for (Parameter p : m.parameters().values()) p.value().setRequiresGradient(false);
  }

  /**
   * The gradient of a parameter as a new handle (shares storage with the tensor's .grad; the caller
   * closes the handle), or null when backward produced none.
   */
  public static NDArray gradient(Parameter p) {
    NDArray v = p.value();
    if (!v.hasGradient()) return null;
    try {
      return v.getGradient();
    } catch (RuntimeException e) {
      return null; // parameter not reached by the loss
    }
  }

  /** Zeroes the accumulated gradients in place. */
  public static void zero(Module m) {
    for (Parameter p : m.parameters().values()) {
      NDArray g = gradient(p);
      if (g != null) {
        g.muli(0f);
        g.close();
      }
    }
  }

  /** The global L2 norm of all gradients (diagnostics and clipping). */
  public static double globalNorm(Map<String, Parameter> params) {
    double s = 0;
    for (Parameter p : params.values()) {
      NDArray g = gradient(p);
      if (g == null) continue;
      try (NDArray sq = g.square(); NDArray sum = sq.sum()) {
        s += sum.getFloat();
      }
      g.close();
    }
    return Math.sqrt(s);
  }
}
