package org.conceptprune.toy.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.nn.Parameter;

/**
 * Exponential moving average of a module's parameters: shadow = d * shadow + (1 - d) * param, with
 * the warm-up d_t = min(decay, (1 + t) / (10 + t)) as in diffusers' EMAModel. {@link #swap} exchanges
 * shadow and live values, so evaluating or saving the EMA weights needs no second module tree.
 */
public final class Ema {
  private final Map<String, Parameter> params;
  private final Map<String, NDArray> shadow = new LinkedHashMap<>();
  private final float decay;
  private long updates;
  private boolean swapped;

  public Ema(Module module, float decay) {
    this.params = module.parameters();
    this.decay = decay;
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray v = e.getValue().value();
      NDArray s = v.duplicate();
      s.setRequiresGradient(false);
      shadow.put(e.getKey(), s);
    }
  }

  public float currentDecay() {
    return Math.min(decay, (1f + updates) / (10f + updates));
  }

  public void update() {
    if (swapped) throw new IllegalStateException("EMA weights are swapped in; swap back before updating");
    float d = currentDecay();
    updates++;
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray s = shadow.get(e.getKey());
      NDArray w = e.getValue().value();
      try (NDManager tmp = s.getManager().newSubManager()) {
        w.tempAttach(tmp);
        s.tempAttach(tmp);
        s.muli(d).addi(Ops.mul(w, 1f - d));
      }
    }
  }

  /** Exchanges live parameters and shadow values (call twice to restore). */
  public void swap() {
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      NDArray s = shadow.get(e.getKey());
      NDArray w = e.getValue().value();
      e.getValue().set(s);
      shadow.put(e.getKey(), w);
    }
    swapped = !swapped;
  }

}
