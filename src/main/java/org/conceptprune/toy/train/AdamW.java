package org.conceptprune.toy.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.nn.Parameter;

/**
 * AdamW (decoupled weight decay, Loshchilov and Hutter; torch.optim.AdamW semantics) over a module's
 * parameters, with optional global-norm gradient clipping. Reads each parameter's autograd gradient,
 * updates in place, and zeroes the gradient. Moments live in the parameters' manager.
 */
public final class AdamW {
  private final Map<String, Parameter> params;
  private final Map<String, NDArray> m1 = new LinkedHashMap<>();
  private final Map<String, NDArray> m2 = new LinkedHashMap<>();
  private final List<String> decayed = new ArrayList<>();
  private final float beta1;
  private final float beta2;
  private final float eps;
  private final float weightDecay;
  private float lr;
  private float clipNorm = 0f;
  private long step;
  private double lastGradNorm = Double.NaN;
  private long skipped;

  /** Weight decay on matrices/kernels only; biases, norms and 1-D parameters are not decayed. */
  public static Predicate<String> defaultDecay(Map<String, Parameter> params) {
    return k -> params.get(k).shape().length >= 2;
  }

  public AdamW(Module module, float lr, float beta1, float beta2, float eps, float weightDecay) {
    this(module.parameters(), lr, beta1, beta2, eps, weightDecay, null);
  }

  public AdamW(Map<String, Parameter> params, float lr, float beta1, float beta2, float eps, float weightDecay,
      Predicate<String> decay) {
    this.params = new LinkedHashMap<>(params);
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    Predicate<String> d = decay == null ? defaultDecay(this.params) : decay;
    for (Map.Entry<String, Parameter> e : this.params.entrySet()) {
      NDArray v = e.getValue().value();
      v.setRequiresGradient(true);
      m1.put(e.getKey(), v.zerosLike());
      m2.put(e.getKey(), v.zerosLike());
      if (d.test(e.getKey())) decayed.add(e.getKey());
    }
  }

  public AdamW clipGradNorm(float maxNorm) {
    this.clipNorm = maxNorm;
    return this;
  }

  public void setLearningRate(float lr) {
    this.lr = lr;
  }

  public long steps() {
    return step;
  }

  /** The gradient norm seen by the last step (before clipping). */
  public double lastGradNorm() {
    return lastGradNorm;
  }

  /** The parameters whose gradient was not finite at the last skipped step. */
  public List<String> lastNonFinite() {
    return List.copyOf(lastNonFinite);
  }

  private final List<String> lastNonFinite = new ArrayList<>();

  /** Steps skipped because a gradient was not finite. */
  public long skipped() {
    return skipped;
  }

  /**
   * One update from the current gradients; then zeroes them. Call after the gradient collector
   * closed. With clipping on, a step whose gradient norm is not finite (a NaN or infinity anywhere)
   * changes nothing but zeroes the gradients and is counted in {@link #skipped()}, as a mixed
   * precision loss scaler skips an overflowing step; returns whether the update was made.
   */
  public boolean step() {
    float scale = 1f;
    if (clipNorm > 0) {
      lastGradNorm = Grads.globalNorm(params);
      if (!Double.isFinite(lastGradNorm)) {
        skipped++;
        lastNonFinite.clear();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
          NDArray g = Grads.gradient(e.getValue());
          if (g == null) continue;
          try (NDManager tmp = g.getManager().newSubManager()) {
            g.attach(tmp);
            if (g.isNaN().logicalOr(g.isInfinite()).any().getBoolean()) lastNonFinite.add(e.getKey());
            g.muli(0f);
            g.set(g.isNaN(), 0f); // 0 * NaN and 0 * inf stay NaN
          }
        }
        return false;
      }
      if (lastGradNorm > clipNorm) scale = (float) (clipNorm / (lastGradNorm + 1e-6));
    }
    step++;
    float bc1 = 1f - (float) Math.pow(beta1, step);
    float bc2 = 1f - (float) Math.pow(beta2, step);
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      Parameter p = e.getValue();
      NDArray g = Grads.gradient(p);
      if (g == null) continue;
      NDArray w = p.value();
      NDArray a = m1.get(e.getKey());
      NDArray b = m2.get(e.getKey());
      try (NDManager tmp = w.getManager().newSubManager()) {
        g.attach(tmp);
        w.tempAttach(tmp);
        a.tempAttach(tmp);
        b.tempAttach(tmp);
        NDArray gs = scale == 1f ? g : Ops.mul(g, scale);
        a.muli(beta1).addi(Ops.mul(gs, 1f - beta1));
        b.muli(beta2).addi(gs.square().muli(1f - beta2));
        if (weightDecay > 0 && decayed.contains(e.getKey())) w.muli(1f - lr * weightDecay);
        NDArray denom = Ops.div(b, bc2).sqrt().addi(eps);
        w.subi(Ops.mul(a, lr / bc1).divi(denom));
        g.muli(0f); // zero .grad in place (g shares its storage)
      }
    }
    return true;
  }
}
