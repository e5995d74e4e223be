package org.conceptprune.eval.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import org.conceptprune.model.clip.ClipVisionConfig;
import org.conceptprune.model.clip.ClipVisionModel;
import org.conceptprune.nn.Parameter;
import org.conceptprune.runtime.TorchRuntime;

/**
 * Micro-benchmark (not a unit test): CLIP ViT-L/14-shaped image embeddings (24 layers, hidden 1024, 16 heads,
 * MLP 4096, patch 14, 224 px, projection 768, quick_gelu) with random weights N(0, 0.02). Run with the
 * thread count fixed before the engine starts:
 * {@code java -Dai.djl.pytorch.num_threads=2 -cp target/classes:target/test-classes:$CP
 * org.conceptprune.eval.clip.ClipBench [batch] [reps]}
 */
public final class ClipBench {
  private ClipBench() {}

  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  public static void main(String[] args) {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    ClipVisionConfig c = new ClipVisionConfig(1024, 4096, 16, 24, 224, 14, 3, "quick_gelu", 1e-5, 768);
    ClipVisionModel model = new ClipVisionModel(c);
    try (NDManager m = TorchRuntime.newManager()) {
      for (Parameter p : model.parameters().values()) p.set(m.randomNormal(0, 0.02f, new Shape(p.shape()), ai.djl.ndarray.types.DataType.FLOAT32));
      System.out.printf(Locale.ROOT, "%s; ViT-L/14 vision tower, %d parameters, batch %d%n", TorchRuntime.describe(),
          model.parameterCount(), batch);
      for (int r = 0; r < reps; r++) {
        try (NDManager bm = m.newSubManager()) {
          NDArray x = bm.randomNormal(new Shape(batch, 3, 224, 224));
          long c0 = cpuNanos();
          long t0 = System.nanoTime();
          float[] e = model.forward(x).imageEmbeds().toFloatArray();
          double s = (System.nanoTime() - t0) / 1e9;
          double cpu = (cpuNanos() - c0) / 1e9;
          // Process CPU time is less sensitive than wall time to other programs sharing the cores.
          System.out.printf(Locale.ROOT, "rep %d: %.2f s for %d images = %.3f s/image wall, %.3f CPU-s/image (embeds %d floats)%n",
              r, s, batch, s / batch, cpu / batch, e.length);
        }
      }
    }
  }
}
