package org.conceptprune.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;

/** linear_1 -> SiLU -> linear_2: the MLP applied to sinusoidal timestep features. */
public final class TimestepEmbedding extends Module {
  private final Linear linear1;
  private final Linear linear2;

  public TimestepEmbedding(int in, int out) {
    linear1 = child("linear_1", new Linear(in, out, true));
    linear2 = child("linear_2", new Linear(out, out, true));
  }

  public NDArray forward(NDArray x) {
    return linear2.forward(Ops.silu(linear1.forward(x)));
  }

  /**
   * diffusers' get_timestep_embedding: with half = dim/2,
   * freq_i = exp(-ln(10000) * i / (half - shift)), emb = [sin(t freq), cos(t freq)] (flipped to
   * [cos, sin] when flipSinToCos), zero-padded when dim is odd. Computed in fp32 like torch.
   *
   * @param t [N] timesteps (any numeric dtype); @return [N, dim]
   */
  public static NDArray sinusoidal(NDArray t, int dim, boolean flipSinToCos, int shift) {
    NDManager m = t.getManager();
    int half = dim / 2;
    NDArray exponent = Ops.div(Ops.mul(m.arange(0, half, 1, DataType.FLOAT32), (float) -Math.log(10000.0)), (float) (half - shift));
    NDArray freq = exponent.exp(); // [half]
    NDArray arg = t.toType(DataType.FLOAT32, false).expandDims(1).mul(freq.expandDims(0)); // [N, half]
    NDArray sin = arg.sin();
    NDArray cos = arg.cos();
    NDArray emb = flipSinToCos ? NDArrays.concat(new NDList(cos, sin), 1) : NDArrays.concat(new NDList(sin, cos), 1);
    if (dim % 2 == 1) {
      emb = NDArrays.concat(new NDList(emb, m.zeros(new ai.djl.ndarray.types.Shape(emb.getShape().get(0), 1))), 1);
    }
    return emb;
  }
}
