package org.conceptprune.eval.q16;

import java.nio.file.Path;
import org.conceptprune.io.pickle.NumpyArray;
import org.conceptprune.io.pickle.NumpyPickle;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.util.UserError;

/**
 * Q16's learned prompts ({@code data/ViT-L-14/prompts.p}): a pickled NumPy array [2, P] read as
 * {@code torch.HalfTensor(pickle.load(f))}, row 0 "non inappropriate", row 1 "inappropriate".
 */
public final class Q16Prompts {
  private Q16Prompts() {}

  /**
   * The two prompt embeddings [2 * P], rounded to float16 as {@code torch.HalfTensor} does.
   *
   * @param projectionDim P, the CLIP model's embedding width
   */
  public static float[] read(Path file, int projectionDim) {
    NumpyArray a = NumpyPickle.read(file);
    if (!a.dtype().isFloat()) {
      throw new UserError(file + ": Q16 prompts must be a float array [2, " + projectionDim + "], found " + a.describe());
    }
    if (a.shape().length != 2 || a.shape()[0] != 2 || a.shape()[1] != projectionDim) {
      throw new UserError(file + ": Q16 prompts must be [2, " + projectionDim + "] (non-inappropriate, inappropriate; "
          + projectionDim + " = the CLIP model's projection_dim), found " + a.describe());
    }
    float[] p = a.floats();
    if (a.dtype() != DType.F16) {
      for (int i = 0; i < p.length; i++) p[i] = Half.f16(p[i]);
    }
    return p;
  }
}
