package org.conceptprune.prune;

/**
 * Forget-It-All (FIA, arXiv 2601.06163), the equations as its released code computes them
 * (kaiyuan02415/Forget-It-All, {@code fia/saliency.py}, {@code fia/neurons.py}, {@code fia/mask_fusion.py}).
 * One layer at a time; W is [out, in] row-major, norms are per prompt and UNet call t, [in].
 *
 * <pre>
 *   n_p[t]   = sqrt(Σ_rows (x / max(‖x‖, 1e-12))²)          per prompt p (both CFG halves, all tokens)
 *   μ_c, μ_b = mean over concept / base prompts;  σ_b = sqrt(max(E_b[n²] − μ_b², 0))
 *   c[t]     = max(0, μ_c − μ_b − σ_b)                       contrast, per column
 *   S[t]     = |W| ⊙ c[t]                                    saliency
 *   τ_t      = k1-th largest S[t] of the layer,  k1 = max(1, int(r1·numel))
 *   A        = ½·avg_t(S)/max(avg) + ½·mean_t(S[t] > τ_t)
 *   Q        = rowTopK(A, max(1, int(r2·in))) ∩ layerTopK(A, max(1, int(r2·numel)))
 * </pre>
 *
 * <p>Ties: torch.topk's order among equal values is unspecified; here the larger value wins and among
 * equal values the smaller index (column in a row, row-major position in the layer).
 */
public final class Fia {
  private Fia() {}

  /** {@code max(1, int(r · n))}: Python's truncation of the IEEE double product, as the reference counts. */
  static int count(double r, long n) {
    return (int) Math.max(1, (long) (r * n));
  }

  /** The contrast of one call: max(0, μ_c − μ_b − σ_b) per column, σ_b the population std (one-pass, clamped). */
  public static double[] contrast(double[][] conceptNorms, double[][] baseNorms) {
    double[] muC = mean(conceptNorms);
    double[] muB = mean(baseNorms);
    double[] sigmaB = std(baseNorms, muB);
    double[] out = new double[muC.length];
    for (int j = 0; j < out.length; j++) out[j] = Math.max(0, muC[j] - muB[j] - sigmaB[j]);
    return out;
  }

  /** μ = the mean over prompts, per column. */
  public static double[] mean(double[][] norms) {
    double[] out = new double[norms[0].length];
    for (double[] n : norms) for (int j = 0; j < out.length; j++) out[j] += n[j];
    for (int j = 0; j < out.length; j++) out[j] /= norms.length;
    return out;
  }

  /** σ = sqrt(max(E[v²] − μ², 0)), the reference's population std. */
  public static double[] std(double[][] norms, double[] mu) {
    double[] out = new double[mu.length];
    for (double[] n : norms) for (int j = 0; j < out.length; j++) out[j] += n[j] * n[j];
    for (int j = 0; j < out.length; j++) out[j] = Math.sqrt(Math.max(out[j] / norms.length - mu[j] * mu[j], 0));
    return out;
  }

  /** S = |W| ⊙ c: S[i, j] = |W[i, j]| · c[j]. */
  public static double[] saliency(float[] w, int in, double[] contrast) {
    double[] s = new double[w.length];
    for (int p = 0; p < w.length; p++) s[p] = Math.abs(w[p]) * contrast[p % in];
    return s;
  }

  /** What time integration gives for one layer: the per-call thresholds, the frequency and A. */
  public record Integrated(double[] tau, double[] freq, double[] a) {}

  /**
   * Time integration over the t̂ calls of one layer: τ_t = k1-th largest S[t], freq = mean_t(S[t] > τ_t)
   * (strict), A = ½·avg/max(max(avg), 1e-12) + ½·freq.
   *
   * @param contrasts [t̂][in]
   */
  public static Integrated integrate(float[] w, int out, int in, double[][] contrasts, double r1) {
    int tHat = contrasts.length;
    int k1 = count(r1, (long) out * in);
    double[] tau = new double[tHat];
    double[] hits = new double[w.length];
    double[] avg = new double[w.length];
    for (int t = 0; t < tHat; t++) {
      double[] s = saliency(w, in, contrasts[t]);
      tau[t] = kthLargest(s, k1);
      for (int p = 0; p < s.length; p++) {
        if (s[p] > tau[t]) hits[p]++;
        avg[p] += s[p];
      }
    }
    double max = 0;
    for (int p = 0; p < avg.length; p++) {
      avg[p] /= tHat;
      max = Math.max(max, avg[p]);
    }
    max = Math.max(max, 1e-12);
    double[] a = new double[w.length];
    for (int p = 0; p < a.length; p++) {
      hits[p] /= tHat;
      a[p] = 0.5 * avg[p] / max + 0.5 * hits[p];
    }
    return new Integrated(tau, hits, a);
  }

  /** Q = rowTopK(A, k) ∩ layerTopK(A, K), k = max(1, int(r2·in)), K = max(1, int(r2·numel)). */
  public static LayerMask select(double[] a, int out, int in, double r2) {
    int k = count(r2, in);
    int bigK = count(r2, (long) out * in);
    LayerMask layer = layerTopK(a, out, in, bigK);
    LayerMask q = new LayerMask(out, in);
    TopK heap = new TopK(Math.min(k, in));
    for (int i = 0; i < out; i++) {
      heap.clear();
      for (int j = 0; j < in; j++) heap.offer(a[i * in + j], j);
      for (int r = 0; r < heap.size(); r++) {
        int p = i * in + heap.column(r);
        if (layer.get(p)) q.set(p);
      }
    }
    return q;
  }

  /** The K largest entries of the layer (equal values: smaller position first). */
  static LayerMask layerTopK(double[] a, int out, int in, int bigK) {
    LayerMask m = new LayerMask(out, in);
    int n = a.length;
    if (bigK >= n) {
      for (int p = 0; p < n; p++) m.set(p);
      return m;
    }
    double v = kthLargest(a, bigK);
    int taken = 0;
    for (int p = 0; p < n; p++) {
      if (a[p] > v) {
        m.set(p);
        taken++;
      }
    }
    for (int p = 0; p < n && taken < bigK; p++) {
      if (a[p] == v) {
        m.set(p);
        taken++;
      }
    }
    return m;
  }

  /** The k-th largest value (counting repeats), 1 <= k; k beyond the length gives the smallest. */
  static double kthLargest(double[] values, int k) {
    double[] v = values.clone();
    int target = v.length - Math.min(k, v.length); // index of the k-th largest in ascending order
    int lo = 0;
    int hi = v.length - 1;
    while (lo < hi) { // quickselect, middle pivot, three-way partition
      double pivot = v[(lo + hi) >>> 1];
      int lt = lo;
      int gt = hi;
      int i = lo;
      while (i <= gt) {
        if (v[i] < pivot) swap(v, lt++, i++);
        else if (v[i] > pivot) swap(v, i, gt--);
        else i++;
      }
      if (target < lt) hi = lt - 1;
      else if (target > gt) lo = gt + 1;
      else return pivot;
    }
    return v[target];
  }

  private static void swap(double[] v, int a, int b) {
    double t = v[a];
    v[a] = v[b];
    v[b] = t;
  }

  /** How fusion decides: the agnostic threshold τ over C concepts. */
  public enum Fusion {
    /** τ = max(2, ⌈α·C⌉): the paper's rule; one concept prunes its own Q. */
    PAPER("paper"),
    /** τ = ⌈α·C⌉, as the released code: with one concept τ = 1 and nothing is pruned. */
    REFERENCE("reference");

    public final String cliName;

    Fusion(String cliName) {
      this.cliName = cliName;
    }

    public int tau(double alpha, int concepts) {
      int t = (int) Math.ceil(alpha * concepts);
      return this == PAPER ? Math.max(2, t) : t;
    }

    public static Fusion fromCli(String s) {
      for (Fusion f : values()) if (f.cliName.equals(s)) return f;
      throw new org.conceptprune.util.UserError("unknown --fusion '" + s + "' (expected paper or reference)");
    }
  }

  /** Fusion of one layer: prune where 0 < s < τ, s = how many concepts' Q hold the weight. */
  public static LayerMask fuse(LayerMask[] q, int tau) {
    LayerMask first = q[0];
    LayerMask out = new LayerMask(first.out(), first.in());
    int[] s = counts(q);
    for (int p = 0; p < s.length; p++) if (s[p] > 0 && s[p] < tau) out.set(p);
    return out;
  }

  /** s per weight: in how many of the masks it is. */
  static int[] counts(LayerMask[] q) {
    int[] s = new int[q[0].numel()];
    for (LayerMask m : q) {
      for (int p = m.nextSetBit(0); p >= 0; p = m.nextSetBit(p + 1)) s[p]++;
    }
    return s;
  }
}
