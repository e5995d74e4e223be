package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
    return x.mul(Activation.sigmoid(mul(x, 1.702f)));
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
   * live until the block's scope ends), except while autograd records (inside a GradientCollector):
   * there the graph may still read them in backward, and an array made from Java data is a view of a
   * Java buffer that closing lets the garbage collector free (see {@link #mul(NDArray, Number)}).
   */
  public static void release(NDArray... arrays) {
    if (ai.djl.pytorch.jni.JniUtils.isGradMode()) return;
    close(arrays);
  }

  public static void close(NDArray... arrays) {
    for (NDArray a : arrays) if (a != null) a.close();
  }

  /**
   * x * c. DJL's {@code x.mul(Number)} (and {@code div}, {@code pow}, {@code maximum}, {@code minimum})
   * wraps c in a tensor over a Java direct buffer (torch::from_blob), uses it and closes it at once.
   * Autograd keeps that tensor for the backward pass (d(x c)/dx = c); once the garbage collector has
   * freed the buffer, backward reads freed memory: wrong, run-to-run different and now and then
   * non-finite gradients (OpsScalarTest: every gradient wrong with a collection between forward and
   * backward). These helpers run the same operation on a copy libtorch owns, so results are identical
   * without autograd and correct with it. {@code add}/{@code sub} keep no operand and need no helper.
   */
  public static NDArray mul(NDArray x, Number c) {
    return withScalar(x, c, NDArray::mul);
  }

  /** x / c; see {@link #mul(NDArray, Number)}. */
  public static NDArray div(NDArray x, Number c) {
    return withScalar(x, c, NDArray::div);
  }

  /** x ^ c; see {@link #mul(NDArray, Number)}. */
  public static NDArray pow(NDArray x, Number c) {
    return withScalar(x, c, NDArray::pow);
  }

  /** max(x, c) element-wise; see {@link #mul(NDArray, Number)}. */
  public static NDArray maximum(NDArray x, Number c) {
    return withScalar(x, c, NDArray::maximum);
  }

  /** min(x, c) element-wise; see {@link #mul(NDArray, Number)}. */
  public static NDArray minimum(NDArray x, Number c) {
    return withScalar(x, c, NDArray::minimum);
  }

  private static NDArray withScalar(NDArray x, Number c, java.util.function.BinaryOperator<NDArray> op) {
    try (NDArray s = scalar(x, c)) {
      return op.apply(x, s);
    }
  }

  /** c as a 0-d tensor of DJL's type for it (float32 for a Float, int32 for an Integer) in memory libtorch owns. */
  static NDArray scalar(NDArray like, Number c) {
    try (NDArray javaBacked = like.getManager().create(c)) {
      return javaBacked.duplicate();
    }
  }
}
