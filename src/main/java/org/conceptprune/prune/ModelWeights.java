package org.conceptprune.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Parameter;
import org.conceptprune.util.UserError;

/** Weights of a loaded model as a {@link WeightSource}: layer path -> its Linear weight [out, in]. */
public final class ModelWeights {
  private ModelWeights() {}

  public static WeightSource of(Module root) {
    var params = root.parameters();
    return layer -> {
      Parameter p = params.get(layer + ".weight");
      if (p == null) throw new UserError("the model has no layer '" + layer + "'");
      long[] s = p.shape();
      if (s.length != 2) throw new UserError("layer '" + layer + "' has a weight of shape " + java.util.Arrays.toString(s) + ", expected [out, in]");
      NDArray v = p.value();
      float[] w;
      if (v.getDataType() == DataType.FLOAT32) {
        w = v.toFloatArray();
      } else {
        try (NDArray f = v.toType(DataType.FLOAT32, true)) { // a copy in the model's manager: free it now
          w = f.toFloatArray();
        }
      }
      return new LayerWeight(w, (int) s[0], (int) s[1]);
    };
  }
}
