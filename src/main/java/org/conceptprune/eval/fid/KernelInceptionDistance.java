package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.conceptprune.nn.Ops;
import org.conceptprune.runtime.TorchRuntime;

/**
 * KID with clean-fid's estimator ({@code cleanfid/fid.py kernel_distance}): the unbiased MMD^2 of the
 * cubic polynomial kernel k(a, b) = (a.b / d + 1)^3 (degree 3, gamma 1/d, coef0 1), averaged over
 * {@code subsets} draws of m = min(n1, n2, maxSubsetSize) rows taken without replacement from each set.
 *
 * <p>Differences from clean-fid, on purpose: the draws come from a seeded {@link SplittableRandom} (clean-fid
 * uses the unseeded global {@code np.random.choice}, so its KID changes from run to run and ours is
 * reproducible; the subsets differ, the estimator does not; when both sets have exactly m rows every
 * draw is a permutation and the two agree exactly); the kernel sums run in float64 (clean-fid uses the
 * features' float32); and the standard deviation over subsets (population, ddof 0, as torch-fidelity's
 * {@code kid_subset_std} and torchmetrics) is returned beside the mean, which clean-fid does not report.
 */
public final class KernelInceptionDistance {
  public static final int DEFAULT_SUBSETS = 100;
  public static final int DEFAULT_MAX_SUBSET_SIZE = 1000;

  /** @param mean clean-fid's KID @param std over subsets (ddof 0) @param subsetSize m */
  public record Result(double mean, double std, int subsets, int subsetSize, long seed) {}

  private KernelInceptionDistance() {}

  /**
   * @param f1 [n1, d] row-major @param f2 [n2, d] row-major
   */
  public static Result compute(float[] f1, int n1, float[] f2, int n2, int d, int subsets, int maxSubsetSize, long seed) {
    int m = Math.min(Math.min(n1, n2), maxSubsetSize);
    if (m < 2) throw new IllegalArgumentException("KID needs subsets of at least 2 rows, got " + m);
    if (subsets < 1) throw new IllegalArgumentException("KID needs at least one subset");
    SplittableRandom rng = new SplittableRandom(seed);
    double[] mmd = new double[subsets];
    try (NDManager manager = TorchRuntime.newManager()) {
      NDArray a = manager.create(f1, new Shape(n1, d)).toType(DataType.FLOAT64, false); // [n1, d]
      NDArray b = manager.create(f2, new Shape(n2, d)).toType(DataType.FLOAT64, false); // [n2, d]
      for (int s = 0; s < subsets; s++) {
        // clean-fid's order: x from the second set, then y from the first
        long[] xi = choose(rng, n2, m);
        long[] yi = choose(rng, n1, m);
        try (NDManager sub = manager.newSubManager()) {
          NDArray x = rows(b, xi, sub); // [m, d]
          NDArray y = rows(a, yi, sub); // [m, d]
          mmd[s] = unbiasedMmd2(x, y);
        }
      }
    }
    double mean = 0;
    for (double v : mmd) mean += v;
    mean /= subsets;
    double var = 0;
    for (double v : mmd) var += (v - mean) * (v - mean);
    return new Result(mean, Math.sqrt(var / subsets), subsets, m, seed);
  }

  /**
   * One subset's unbiased MMD^2, x and y [m, d] (float64):
   * <pre>
   *   MMD^2 = (sum_{i!=j} k(x_i, x_j) + sum_{i!=j} k(y_i, y_j)) / (m (m-1)) - 2 sum_{i,j} k(x_i, y_j) / m^2
   * </pre>
   */
  static double unbiasedMmd2(NDArray x, NDArray y) {
    long m = x.getShape().get(0);
    double offDiagonal = offDiagonalSum(kernel(x, x)) + offDiagonalSum(kernel(y, y));
    double cross = kernel(x, y).sum().getDouble();
    return offDiagonal / (m * (m - 1.0)) - 2 * cross / ((double) m * m);
  }

  /** k(a, b) = (a b^T / d + 1)^3: [m, d] x [m', d] -> [m, m']. */
  static NDArray kernel(NDArray a, NDArray b) {
    double d = a.getShape().get(1);
    return Ops.pow(Ops.div(a.dot(b.transpose()), d).add(1), 3);
  }

  private static double offDiagonalSum(NDArray k) {
    return k.sum().getDouble() - k.diagonal().sum().getDouble();
  }

  /** Rows {@code idx} of {@code a}, in {@code manager}. */
  private static NDArray rows(NDArray a, long[] idx, NDManager manager) {
    NDArray i = manager.create(idx);
    NDArray r = a.get(new NDIndex("{}", i));
    r.attach(manager);
    return r;
  }

  /** m distinct indices of 0..n-1 in random order (a partial Fisher-Yates shuffle), like np.random.choice(n, m, replace=False). */
  static long[] choose(SplittableRandom rng, int n, int m) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    long[] out = new long[m];
    for (int i = 0; i < m; i++) {
      int j = i + rng.nextInt(n - i);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
      out[i] = p[i];
    }
    return out;
  }
}
