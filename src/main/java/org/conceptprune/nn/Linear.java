package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;

/** y = x W^T + b, W: [out, in]. An optional probe sees the input (used to record activations). */
public final class Linear extends Module {
  public final int in;
  public final int out;
  private final Parameter weight;
  private final Parameter bias;
  private Probe probe;

  /** Receives a layer's input during a forward pass. */
  @FunctionalInterface
  public interface Probe {
    void accept(NDArray input);
  }

  public Linear(int in, int out, boolean bias) {
    this.in = in;
    this.out = out;
    this.weight = param("weight", out, in);
    this.bias = bias ? param("bias", out) : null;
  }

  public NDArray forward(NDArray x) {
    if (probe != null) probe.accept(x);
    long t0 = Profiler.start();
    NDArray r = ai.djl.nn.core.Linear.linear(x, weight.value(), bias == null ? null : bias.value()).singletonOrThrow();
    Profiler.stop("linear", t0);
    return r;
  }

  public Parameter weight() {
    return weight;
  }

  public void setProbe(Probe p) {
    this.probe = p;
  }
}
