package org.conceptprune.experiment;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TextToImage;

/**
 * Seconds per image of an evaluate recipe, by phase: conditioning (text encoder), each UNet call
 * (CFG batch 2), VAE decode; wall and process CPU time (a fairer figure on a shared machine).
 * <pre>
 * java -Dai.djl.pytorch.num_threads=2 -cp target/classes:target/test-classes:$(cat cp.txt) \
 *   org.conceptprune.experiment.RecipeImageBench MODEL STEPS [SIZE]
 * </pre>
 * A full image of PNDM-N is N + 1 UNet calls: s/image = conditioning + (N + 1) x call + decode.
 */
public final class RecipeImageBench {
  private RecipeImageBench() {}

  private static double cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  public static void main(String[] a) {
    Path model = Path.of(a[0]);
    int steps = Integer.parseInt(a[1]);
    int size = a.length > 2 ? Integer.parseInt(a[2]) : 0;
    try (StableDiffusion sd = StableDiffusion.load(model, null)) {
      double[] t0 = {System.nanoTime() / 1e9, cpu()};
      List<double[]> before = new ArrayList<>(); // {wall, cpu} at each UNet call
      List<double[]> after = new ArrayList<>();
      TextToImage.Result r = TextToImage.run(sd, new TextToImage.Request(List.of("a photo of a tench"), null, steps, 7.5, null, size,
          size, 1174, null, true), new TextToImage.Listener() {
            @Override
            public void beforeCall(int call, int total) {
              before.add(new double[] {System.nanoTime() / 1e9, cpu()});
            }

            @Override
            public boolean afterCall(int call, float[] latents, float[] out) {
              after.add(new double[] {System.nanoTime() / 1e9, cpu()});
              return true;
            }
          });
      double[] end = {System.nanoTime() / 1e9, cpu()};
      double[] last = after.get(after.size() - 1);
      System.out.printf(Locale.ROOT, "%dx%d, %d UNet calls (CFG batch 2), %s%n", r.width(), r.height(), r.calls(),
          org.conceptprune.runtime.TorchRuntime.describe());
      System.out.printf(Locale.ROOT, "conditioning: %.2f s wall, %.2f CPU-s%n", before.get(0)[0] - t0[0], before.get(0)[1] - t0[1]);
      for (int i = 0; i < after.size(); i++) {
        System.out.printf(Locale.ROOT, "UNet call %d: %.2f s wall, %.2f CPU-s%n", i, after.get(i)[0] - before.get(i)[0],
            after.get(i)[1] - before.get(i)[1]);
      }
      System.out.printf(Locale.ROOT, "VAE decode: %.2f s wall, %.2f CPU-s%n", end[0] - last[0], end[1] - last[1]);
    }
  }
}
