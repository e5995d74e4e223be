package org.conceptprune.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.conceptprune.nn.Bf16;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Parameter;
import org.conceptprune.util.UserError;

/**
 * Applies masks to a loaded model in memory: W_l <- W_l ⊙ (1 - M_l), bias untouched. The returned
 * handle puts the original weights back, so "before" and "after" run on one loaded model.
 */
public final class Pruner {
  private Pruner() {}

  /** Restores the weights replaced by {@link #apply}. */
  public static final class Applied implements AutoCloseable {
    private final Map<Parameter, NDArray> originals;

    Applied(Map<Parameter, NDArray> originals) {
      this.originals = originals;
    }

    /** Puts the original weights back (closing the pruned copies). */
    @Override
    public void close() {
      originals.forEach((p, orig) -> {
        NDArray pruned = p.value();
        p.set(orig);
        pruned.close();
      });
      originals.clear();
    }
  }

  public static Applied apply(Module root, MaskSet masks) {
    Map<String, Parameter> params = root.parameters();
    Map<Parameter, NDArray> originals = new LinkedHashMap<>();
    for (String layer : masks.layers()) {
      Parameter p = params.get(layer + ".weight");
      if (p == null) throw new UserError("the mask names layer '" + layer + "', which the model does not have");
      LayerMask m = masks.get(layer);
      long[] s = p.shape();
      if (s.length != 2 || s[0] != m.out() || s[1] != m.in()) {
        throw new UserError("layer '" + layer + "': weight is " + java.util.Arrays.toString(s) + " but the mask is ["
            + m.out() + ", " + m.in() + "]");
      }
      float[] w = floats(p);
      m.applyTo(w);
      swap(p, w, originals);
    }
    return new Applied(originals);
  }

  /**
   * Replaces whole weights ({@code layer -> [out, in]} row-major, e.g. revived ones) in a loaded model
   * until the handle is closed.
   */
  public static Applied replace(Module root, Map<String, float[]> weights) {
    Map<String, Parameter> params = root.parameters();
    Map<Parameter, NDArray> originals = new LinkedHashMap<>();
    for (var e : weights.entrySet()) {
      Parameter p = params.get(e.getKey() + ".weight");
      if (p == null) throw new UserError("the model has no layer '" + e.getKey() + "'");
      if (p.numel() != e.getValue().length) {
        throw new UserError("layer '" + e.getKey() + "': weight has " + p.numel() + " values, not " + e.getValue().length);
      }
      swap(p, e.getValue().clone(), originals);
    }
    return new Applied(originals);
  }

  /** A loaded weight as float32 values, row-major. */
  public static float[] floats(Parameter p) {
    NDArray orig = p.value();
    if (orig.getDataType() == DataType.FLOAT32) return orig.toFloatArray();
    try (NDArray f = orig.toType(DataType.FLOAT32, true)) { // bf16/fp16 widened in the model's manager: free it now
      return f.toFloatArray();
    }
  }

  private static void swap(Parameter p, float[] w, Map<Parameter, NDArray> originals) {
    NDArray orig = p.value();
    NDArray edited = Bf16.like(orig.getManager().create(w, new Shape(p.shape())), orig);
    originals.put(p, orig);
    p.set(edited);
  }
}
