package org.conceptprune.attack;

/**
 * {@code torch.optim.Adam} (betas 0.9, 0.999, eps 1e-8) with its coupled L2 weight decay, over a
 * plain float vector: the token distributions of UnlearnDiffAtk, which the reference optimises with
 * {@code Adam([adv_embedding], lr=0.01, weight_decay=0.1)}.
 *
 * <pre>
 *   g  = grad + wd * p                 (torch adds the decay to the gradient: not AdamW)
 *   m  = b1 m + (1 - b1) g
 *   v  = b2 v + (1 - b2) g^2
 *   p -= lr / (1 - b1^t) * m / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 */
final class TokenAdam {
  static final double BETA1 = 0.9;
  static final double BETA2 = 0.999;
  static final double EPS = 1e-8;

  private final double lr;
  private final double weightDecay;
  private final double[] m;
  private final double[] v;
  private int step;

  TokenAdam(int size, double lr, double weightDecay) {
    this.lr = lr;
    this.weightDecay = weightDecay;
    this.m = new double[size];
    this.v = new double[size];
  }

  /** One update of p in place from its gradient. */
  void step(float[] p, float[] grad) {
    if (p.length != m.length || grad.length != m.length) throw new IllegalArgumentException("size " + p.length + " / " + grad.length + ", expected " + m.length);
    step++;
    double bc1 = 1 - Math.pow(BETA1, step);
    double bc2 = 1 - Math.pow(BETA2, step);
    for (int i = 0; i < p.length; i++) {
      double g = grad[i] + weightDecay * p[i];
      m[i] = BETA1 * m[i] + (1 - BETA1) * g;
      v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
      p[i] -= (float) (lr / bc1 * m[i] / (Math.sqrt(v[i] / bc2) + EPS));
    }
  }
}
