package org.conceptprune.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.conceptprune.model.unet.UNet2DConditionModel;
import org.conceptprune.nn.Ops;
import org.conceptprune.util.Machine;

/** One UNet call on seeded inputs with the guidance batch of 2, timed ({@code bench}). */
public final class UNetTimer {
  private UNetTimer() {}

  /** Seconds of one UNet call with the guidance batch of 2 at latent size lat (inputs seeded by i). */
  public static double timeCall(UNet2DConditionModel unet, NDManager m, int lat, int i) {
    return timeCallCpu(unet, m, lat, i)[0];
  }

  /**
   * As {@link #timeCall}, also giving the process CPU seconds of the call: on a shared machine wall
   * time includes waiting for a core, CPU time does not (it does include OpenMP's spin-waiting).
   *
   * @return {wall seconds, process CPU seconds}
   */
  public static double[] timeCallCpu(UNet2DConditionModel unet, NDManager m, int lat, int i) {
    int ctxDim = unet.config.crossAttentionDim()[0];
    try (NDManager s = m.newSubManager()) {
      NDArray x = s.create(TorchRandom.randn(i, 2 * 4 * lat * lat), new Shape(2, 4, lat, lat)); // [2, 4, lat, lat]
      NDArray ctx = Ops.mul(s.create(TorchRandom.randn(100 + i, 2 * 77 * ctxDim), new Shape(2, 77, ctxDim)), 0.1f); // [2, 77, D]
      long cpu0 = Machine.processCpuNanos();
      long c0 = System.nanoTime();
      float[] o = unet.forward(x, s.create(new float[] {500f}, new Shape(1)), ctx, null).toType(DataType.FLOAT32, false).toFloatArray();
      double secs = (System.nanoTime() - c0) / 1e9;
      double cpu = (Machine.processCpuNanos() - cpu0) / 1e9;
      if (!Float.isFinite(o[0])) throw new IllegalStateException("non-finite UNet output");
      return new double[] {secs, cpu};
    }
  }
}
