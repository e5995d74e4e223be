package org.conceptprune.revival;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.conceptprune.nn.TorchScript;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.runtime.TorchRuntime;

/**
 * Step 1 of REVIVAL.md: fill the missing entries M of A [m, n] by iterative soft-thresholded SVD in
 * float64, on libtorch's LAPACK ({@code torch.linalg.svd}, gesdd on CPU, cuSOLVER on a GPU) with all of
 * libtorch's threads.
 *
 * <pre>
 *   X_0 = A with M[:, j] := μ_j (mean of column j's observed entries)
 *   X_{k-1} = U diag(s) Vᵀ;  τ = s_p (the smallest);  Z = U diag(max(s - τ, 0)) Vᵀ
 *   X_k = A on O, Z on M
 *   δ_k = ‖X_k − X_{k−2}‖_F / (‖X_{k−2}‖_F + 1e-12)   (δ_1 = ∞; the repo's quirk: two steps back)
 *   stop at the first δ_k &lt; tol, else after maxIters
 * </pre>
 * The shrunk values s'_i = 0 for i ≥ R add exact zeros, so Z over all p columns equals the repo's
 * U[:, :R] diag(s'[:R]) Vᵀ[:R]. Departure: a column with no observed entry (the repo gets NaN) is left
 * out of the completion and its missing entries stay 0; {@link Completion#emptyColumns} counts them.
 */
public final class MatrixCompletion {
  /**
   * One iteration and δ as libtorch calls (TorchScript source, see {@link TorchScript}). {@code step}
   * takes the SVD of X (gesdd); {@code step_gram} gets the same Z from the eigendecomposition of the
   * Gram matrix G = X Xᵀ = U S² Uᵀ (m ≤ n; XᵀX for m &gt; n), 4-5x faster than gesdd on CPU:
   * Z = U diag(s − τ) Vᵀ = X − τ U Vᵀ = X − U diag(τ / s) Uᵀ X, with s = √λ and τ = √λ_min. Squaring
   * the condition number costs accuracy when G is ill-conditioned, so where λ_min &lt; 1e-8 λ_max it
   * falls back to the SVD for that iteration.
   */
  private static final String METHODS = """
        def step(self: __torch__.SoftImpute, x: Tensor, a: Tensor, observed: Tensor) -> Tensor:
          u, s, vh = torch.linalg_svd(x, False)
          shrunk = torch.clamp_min(torch.sub(s, torch.select(s, 0, -1)), 0.)
          z = torch.matmul(torch.mul(u, torch.unsqueeze(shrunk, 0)), vh)
          return torch.where(observed, a, z)
        def step_gram(self: __torch__.SoftImpute, x: Tensor, a: Tensor, observed: Tensor) -> Tensor:
          wide = torch.size(x, 0) <= torch.size(x, 1)
          if wide:
            g = torch.matmul(x, torch.t(x))
          else:
            g = torch.matmul(torch.t(x), x)
          lam, q = torch.linalg_eigh(g)
          low = torch.select(lam, 0, 0)
          high = torch.select(lam, 0, -1)
          if bool(torch.lt(low, torch.mul(high, 1e-8))):
            return self.step(x, a, observed)
          ratio = torch.sqrt(torch.div(low, lam))
          p = torch.matmul(torch.mul(q, torch.unsqueeze(ratio, 0)), torch.t(q))
          if wide:
            z = torch.sub(x, torch.matmul(p, x))
          else:
            z = torch.sub(x, torch.matmul(x, p))
          return torch.where(observed, a, z)
        def delta(self: __torch__.SoftImpute, x: Tensor, prev: Tensor) -> Tensor:
          d = torch.sub(x, prev)
          num = torch.sqrt(torch.sum(torch.mul(d, d)))
          return torch.div(num, torch.add(torch.sqrt(torch.sum(torch.mul(prev, prev))), 1e-12))
      """;

  /** How an iteration's thresholded SVD is computed. */
  public enum Method {
    /** torch.linalg.svd (LAPACK gesdd). */
    SVD("step"),
    /** the eigendecomposition of the Gram matrix, falling back to the SVD when it is ill-conditioned. */
    GRAM("step_gram");

    final String script;

    Method(String script) {
      this.script = script;
    }
  }

  private static TorchScript module;

  private MatrixCompletion() {}

  /** Called after every iteration k (1-based) with δ_k. */
  @FunctionalInterface
  public interface IterationListener {
    void iteration(int k, double delta);
  }

  /**
   * @param c64 [m, n] row-major: A on the observed entries, the completion on the missing ones
   * @param iterations the k that stopped the loop (0 when nothing was missing or everything was)
   * @param delta δ at that k (NaN when no iteration ran)
   */
  public record Completion(double[] c64, int iterations, double delta, int emptyColumns) {}

  private static synchronized TorchScript module(NDManager like) {
    if (module == null) module = TorchScript.load("SoftImpute", METHODS, like.getDevice());
    return module;
  }

  /**
   * @param a A [m, n] row-major, float64
   * @param missing M: the entries to fill
   */
  public static Completion complete(double[] a, int m, int n, LayerMask missing, int maxIters, double tol,
      IterationListener listener) {
    return complete(a, m, n, missing, maxIters, tol, Method.GRAM, listener);
  }

  static Completion complete(double[] a, int m, int n, LayerMask missing, int maxIters, double tol, Method method,
      IterationListener listener) {
    long nMissing = missing.count();
    if (nMissing == 0 || nMissing == (long) m * n) return new Completion(a.clone(), 0, Double.NaN, nMissing == 0 ? 0 : n);
    int[] observedPerColumn = new int[n];
    double[] sums = new double[n];
    for (int p = 0; p < a.length; p++) {
      if (!missing.get(p)) {
        observedPerColumn[p % n]++;
        sums[p % n] += a[p];
      }
    }
    int[] kept = keptColumns(observedPerColumn);
    int nk = kept.length;
    double[] x0 = new double[m * nk]; // [m, nk]: A with each missing entry set to its column's mean
    boolean[] observed = new boolean[m * nk];
    for (int i = 0; i < m; i++) {
      for (int c = 0; c < nk; c++) {
        int j = kept[c];
        int p = i * n + j;
        observed[i * nk + c] = !missing.get(p);
        x0[i * nk + c] = observed[i * nk + c] ? a[p] : sums[j] / observedPerColumn[j];
      }
    }
    double[] x;
    int k;
    double delta = Double.POSITIVE_INFINITY;
    try (NDManager mgr = TorchRuntime.newManager()) {
      TorchScript ts = module(mgr);
      Shape shape = new Shape(m, nk);
      NDArray start = mgr.create(x0, shape);
      NDArray obs = mgr.create(observed, shape);
      NDArray before = start; // X_{k-2}
      NDArray last = start; // X_{k-1}
      for (k = 1; ; k++) {
        NDArray next = ts.call(method.script, mgr, last, start, obs);
        delta = k == 1 ? Double.POSITIVE_INFINITY : ts.call("delta", mgr, next, before).toDoubleArray()[0];
        if (before != start && before != last) before.close();
        before = last;
        last = next;
        if (listener != null) listener.iteration(k, delta);
        if (delta < tol || k == maxIters) break;
      }
      x = last.toDoubleArray();
    }
    double[] c = a.clone();
    for (int i = 0; i < m; i++) {
      for (int col = 0; col < nk; col++) c[i * n + kept[col]] = x[i * nk + col];
    }
    for (int p = missing.nextSetBit(0); p >= 0; p = missing.nextSetBit(p + 1)) {
      if (observedPerColumn[p % n] == 0) c[p] = 0;
    }
    return new Completion(c, k, delta, n - nk);
  }

  private static int[] keptColumns(int[] observedPerColumn) {
    return java.util.stream.IntStream.range(0, observedPerColumn.length).filter(j -> observedPerColumn[j] > 0).toArray();
  }
}
