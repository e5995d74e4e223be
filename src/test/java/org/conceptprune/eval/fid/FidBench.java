package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDManager;
import java.util.Locale;
import java.util.SplittableRandom;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.ProceduralSource;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.Progress;

/**
 * Benchmark (not a unit test; surefire does not run it): FID features of N synthetic 256x256 images
 * with the procedural FID Inception, then FID and KID of two 2048-d feature sets. Run after
 * {@code mvn -o test-compile}:
 * <pre>
 * java -Dai.djl.pytorch.num_threads=2 -cp target/classes:target/test-classes:$(cat cp.txt) \
 *   org.conceptprune.eval.fid.FidBench [images=64] [batch=16] [statsRows=1000] [kidSubsets=100]
 * </pre>
 */
public final class FidBench {
  private FidBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int rows = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int kidSubsets = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    System.out.println("runtime: " + TorchRuntime.describe() + ", cores " + java.lang.Runtime.getRuntime().availableProcessors());
    ImageSet images = synthetic(n, 256, 256);
    float[] features;
    try (NDManager m = TorchRuntime.newManager()) {
      long t0 = System.nanoTime();
      FidInceptionV3 net = FidInceptionV3.load(ProceduralSource.fromKeysJson(Fixtures.path("fixtures/eval/fid-inception-keys.json"), 2), m);
      double load = (System.nanoTime() - t0) / 1e9;
      // warm-up batch (first-call allocation and kernel selection), not counted
      new FidFeatureExtractor(net, m, batch).run(synthetic(Math.min(batch, n), 256, 256), null);
      t0 = System.nanoTime();
      double cpu0 = cpuSeconds();
      features = new FidFeatureExtractor(net, m, batch).run(images, new Progress("bench", n)).pool3();
      double secs = (System.nanoTime() - t0) / 1e9;
      double cpu = cpuSeconds() - cpu0;
      System.out.printf(Locale.ROOT, "fid-features: %d images 256x256, batch %d: wall %.1f s (%.3f s/image) -> 1000 images %.1f min;"
          + " process CPU %.1f s (%.3f CPU-s/image -> 1000 images on 2 idle cores ~%.1f min); weights %.1f s%n",
          n, batch, secs, secs / n, secs / n * 1000 / 60, cpu, cpu / n, cpu / n * 1000 / 2 / 60, load);
    }
    // FID and KID on 2048-d features: two sets of `rows` rows (tiled from the features above plus noise)
    float[] a = tile(features, n, rows, 1);
    float[] b = tile(features, n, rows, 2);
    long t0 = System.nanoTime();
    GaussianStats sa = GaussianStats.of(a, rows, 2048);
    GaussianStats sb = GaussianStats.of(b, rows, 2048);
    double tStats = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    double fid = FrechetDistance.of(sa, sb);
    double tFid = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "fid: %d x 2048 per set: stats %.1f s, Frechet distance %.1f s (fid %.4f)%n", rows, tStats, tFid, fid);
    if (kidSubsets > 0) {
      t0 = System.nanoTime();
      KernelInceptionDistance.Result k = KernelInceptionDistance.compute(a, rows, b, rows, 2048, kidSubsets, 1000, 0);
      System.out.printf(Locale.ROOT, "kid: %d subsets of %d: %.1f s (mean %.6f std %.6f)%n", kidSubsets, k.subsetSize(),
          (System.nanoTime() - t0) / 1e9, k.mean(), k.std());
    }
  }

  /** CPU time of the whole process (every thread, native ones included). */
  static double cpuSeconds() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  /** Smooth random colour fields in [0, 1]. */
  static ImageSet synthetic(int n, int h, int w) {
    return new ImageSet() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public UnitImage get(int i) {
        SplittableRandom r = new SplittableRandom(i);
        double[] f = new double[9];
        for (int k = 0; k < 9; k++) f[k] = r.nextDouble() * 0.1;
        float[] v = new float[h * w * 3];
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            for (int c = 0; c < 3; c++) {
              double s = Math.sin(f[c] * x + f[c + 3] * y + f[c + 6] * (x - y));
              v[(y * w + x) * 3 + c] = (float) (0.5 + 0.5 * s);
            }
          }
        }
        return new UnitImage(h, w, v);
      }

      @Override
      public String describe() {
        return n + " synthetic images";
      }
    };
  }

  /** rows x 2048 from n feature rows, each with small deterministic noise. */
  static float[] tile(float[] f, int n, int rows, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] out = new float[rows * 2048];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < 2048; j++) out[i * 2048 + j] = f[(i % n) * 2048 + j] + (float) (0.01 * r.nextGaussian());
    }
    return out;
  }
}
