package org.conceptprune.prune;

import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.util.UserError;

/** Where the weights to score come from: layer name ("...ff.net.2") -> its weight [out, in]. */
@FunctionalInterface
public interface WeightSource {
  LayerWeight weight(String layer);

  /** Reads {@code <layer>.weight} from a checkpoint (diffusers key names), widened to F32. */
  static WeightSource of(TensorSource checkpoint) {
    return layer -> {
      String key = layer + ".weight";
      TensorInfo info = checkpoint.tensors().get(key);
      if (info == null) throw new UserError(checkpoint.describe() + ": no tensor '" + key + "'");
      if (info.shape().length != 2) {
        throw new UserError(checkpoint.describe() + ": tensor '" + key + "' has shape "
            + info.shapeString() + ", expected [out, in]");
      }
      int[] s = info.intShape();
      return new LayerWeight(checkpoint.floats(key), s[0], s[1]);
    };
  }
}
