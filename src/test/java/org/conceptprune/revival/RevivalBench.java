package org.conceptprune.revival;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.conceptprune.prune.LayerMask;

/**
 * Micro-benchmark (not a unit test): seconds per completion iteration (one float64 SVD of the iterate,
 * shrink, put back, δ) at the SD-1.5 ff.net.2 shapes [d, 4d], d in {320, 640, 1280}, with 2% of the
 * weights missing, for both ways of taking the thresholded SVD ({@link MatrixCompletion.Method}). A few iterations each (tolerance 0, so none stops early); the first call of the run
 * (TorchScript load) is a warm-up. Run (threads: libtorch's default, every core, unless set):
 * {@code java [-Dai.djl.pytorch.num_threads=N] -cp target/classes:target/test-classes:$(cat cp.txt)
 * org.conceptprune.revival.RevivalBench [iterations] [largest d]}
 */
public final class RevivalBench {
  private RevivalBench() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int largest = args.length > 1 ? Integer.parseInt(args[1]) : 1280;
    System.out.printf("CPU: %s, libtorch threads: %d, device: %s%n", cpuModel(), org.conceptprune.runtime.TorchRuntime.threads(),
        org.conceptprune.runtime.TorchRuntime.device());
    complete(64, 256, 2, MatrixCompletion.Method.SVD); // warm-up: loads libtorch and the TorchScript module
    for (int d : new int[] {320, 640, 1280}) {
      if (d > largest) break;
      for (MatrixCompletion.Method method : MatrixCompletion.Method.values()) {
        long start = System.nanoTime();
        complete(d, 4 * d, iterations, method);
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%d x %d, %s: %d iterations in %.2f s = %.3f s/iteration (500 iterations: %.0f s)%n", d,
            4 * d, method, iterations, secs, secs / iterations, 500 * secs / iterations);
      }
    }
  }

  private static void complete(int m, int n, int iterations, MatrixCompletion.Method method) {
    LayerMask missing = new LayerMask(m, n);
    double[] a = randomWeights(m, n, 0.02, 0, missing);
    MatrixCompletion.complete(a, m, n, missing, iterations, 0, method, null);
  }

  /** N(0, 0.02²) weights rounded to float, a fraction of them set to 0 and marked in {@code missing}. */
  static double[] randomWeights(int m, int n, double missingFraction, long seed, LayerMask missing) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] a = new double[m * n];
    for (int p = 0; p < a.length; p++) {
      a[p] = (float) (r.nextGaussian() * 0.02);
      if (r.nextDouble() < missingFraction) {
        missing.set(p);
        a[p] = 0;
      }
    }
    return a;
  }

  static String cpuModel() throws Exception {
    return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
  }
}
