package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/** Element-wise functions and small tensor helpers shared by the blocks. */
public final class Ops {
  private Ops() {}

  /** SiLU: x * sigmoid(x). */
  public static NDArray silu(NDArray x) {
    long t0 = Profiler.start();
    NDArray y;
    if (Bf16.is(x)) {
      y = Bf16.silu(x);
    } else {
      NDArray s = Activation.sigmoid(x);
      y = x.mul(s);
      s.close();
    }
    Profiler.stop("silu", t0);
    return y;
  }

  /** GELU with the exact erf form (torch's default, used by GEGLU and CLIP "gelu"). */
  public static NDArray gelu(NDArray x) {
    return Activation.gelu(x);
  }

  /** CLIP's quick_gelu: x * sigmoid(1.702 x). */
  public static NDArray quickGelu(NDArray x) {
    return x.mul(Activation.sigmoid(x.mul(1.702f)));
  }

  /** Nearest-neighbour x2 upsampling of [N, C, H, W]. */
  public static NDArray upsampleNearest2x(NDArray x) {
    long t0 = Profiler.start();
    NDArray r = Bf16.is(x) ? Bf16.upsample2x(x) : x.repeat(2, 2).repeat(3, 2);
    Profiler.stop("upsample", t0);
    return r;
  }

  /** Concatenates along the channel axis. */
  public static NDArray catChannels(NDArray a, NDArray b) {
    long t0 = Profiler.start();
    NDArray r = NDArrays.concat(new ai.djl.ndarray.NDList(a, b), 1);
    Profiler.stop("concat", t0);
    return r;
  }

  /**
   * Moves an array derived from a weight (a view, a transpose) to the manager of the activation it
   * is used with: ops on a weight would otherwise leave their results in the model's manager.
   */
  public static NDArray scoped(NDArray derived, NDArray activation) {
    derived.attach(activation.getManager());
    return derived;
  }

  /**
   * Frees intermediate arrays as soon as a block no longer needs them (their memory would otherwise
   * live until the block's scope ends). Autograd keeps what it needs: libtorch tensors are ref-counted.
   */
  /**
   * Closes intermediates early, except while autograd records (inside a GradientCollector): there
   * the graph may still read them in backward, and closing them early gave garbage gradients.
   */
  public static void release(NDArray... arrays) {
    if (ai.djl.pytorch.jni.JniUtils.isGradMode()) return;
    close(arrays);
  }

  public static void close(NDArray... arrays) {
    for (NDArray a : arrays) if (a != null) a.close();
  }

  public static Shape shape(long... s) {
    return new Shape(s);
  }
}
