package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;

/** torchvision's Inception {@code BasicConv2d}: conv (no bias) -> BatchNorm (eps 0.001) -> ReLU. */
public final class BasicConv2d extends Module {
  static final float BN_EPS = 0.001f;

  private final Conv2dNoBias conv;
  private final BatchNorm2d bn;

  /** A square kernel k with stride s and padding p. */
  public BasicConv2d(int in, int out, int k, int s, int p) {
    this(in, out, k, k, s, p, p);
  }

  /** A (kh, kw) kernel with padding (ph, pw), as the 1x7 / 7x1 / 1x3 / 3x1 branches use. */
  public BasicConv2d(int in, int out, int kh, int kw, int s, int ph, int pw) {
    conv = child("conv", new Conv2dNoBias(in, out, kh, kw, s, ph, pw));
    bn = child("bn", new BatchNorm2d(out, BN_EPS));
  }

  public NDArray forward(NDArray x) { // [N, in, H, W] -> [N, out, H', W']
    NDArray c = conv.forward(x);
    NDArray b = bn.forward(c);
    c.close();
    NDArray r = Activation.relu(b);
    Ops.close(b);
    return r;
  }
}
