package org.conceptprune.schedule;

/**
 * The training noise schedule (betas and cumulative alpha products) plus the numpy/torch helpers the
 * schedulers use to build their timestep grids, reproduced bit for bit where it matters.
 *
 * <p>Precision map (diffusers 0.35.2 on CPU):
 *
 * <ul>
 *   <li>betas: {@code torch.linspace(..., dtype=float32)} (float32 arithmetic, see {@link
 *       #torchLinspace}); scaled_linear squares that float32 grid; squaredcos_cap_v2 is Python float64
 *       cast to float32.
 *   <li>{@code alphas = 1 - betas} in float32; {@code torch.cumprod} on CPU accumulates in double
 *       ({@code acc_type<float>} on CPU) and rounds each prefix product to float32.
 *   <li>timestep grids: numpy float64 ({@code np.linspace}, {@code np.arange}, {@code round} = round
 *       half to even).
 * </ul>
 */
public final class NoiseSchedule {
  private NoiseSchedule() {}

  /** The float32 betas of the training schedule. */
  public static float[] betas(SchedulerConfig c) {
    int n = c.numTrainTimesteps();
    if (c.trainedBetas() != null) {
      float[] b = new float[n];
      for (int i = 0; i < n; i++) b[i] = (float) c.trainedBetas()[i];
      return b;
    }
    switch (c.betaSchedule()) {
      case "linear":
        return torchLinspace((float) (double) c.betaStart(), (float) (double) c.betaEnd(), n);
      case "scaled_linear": {
        // (linspace(beta_start**0.5, beta_end**0.5, n, float32)) ** 2; the roots are Python floats
        float[] r = torchLinspace((float) Math.sqrt(c.betaStart()), (float) Math.sqrt(c.betaEnd()), n);
        for (int i = 0; i < n; i++) r[i] = r[i] * r[i];
        return r;
      }
      case "squaredcos_cap_v2": {
        // Glide cosine schedule (betas_for_alpha_bar, max_beta 0.999), computed in Python floats
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
          double t1 = (double) i / n;
          double t2 = (double) (i + 1) / n;
          b[i] = (float) Math.min(1 - cosineAlphaBar(t2) / cosineAlphaBar(t1), 0.999);
        }
        return b;
      }
      default:
        throw c.bad("beta_schedule", "'" + c.betaSchedule() + "' is not implemented");
    }
  }

  private static double cosineAlphaBar(double t) {
    double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }

  /** {@code torch.cumprod(1.0 - betas, 0)}: float32 alphas, double accumulator, float32 results. */
  public static float[] alphasCumprod(float[] betas) {
    float[] out = new float[betas.length];
    double acc = 1.0;
    for (int i = 0; i < betas.length; i++) {
      float alpha = 1.0f - betas[i];
      acc *= alpha;
      out[i] = (float) acc;
    }
    return out;
  }

  /**
   * {@code torch.linspace(start, end, steps, dtype=float32)} on CPU: a float32 step {@code (end -
   * start) / (steps - 1)}; indices below {@code steps / 2} count up from start ({@code start + step *
   * i}), the rest down from end ({@code end - step * (steps - 1 - i)}). The oracle's torch build
   * evaluates both as one fused multiply-add (a single rounding); this reproduces the stored
   * SD-1.5 alphas_cumprod bit for bit, whereas separate multiply and add differ in 121 of 1000.
   */
  static float[] torchLinspace(float start, float end, int steps) {
    float[] out = new float[steps];
    if (steps == 1) {
      out[0] = start;
      return out;
    }
    float step = (end - start) / (float) (steps - 1);
    int halfway = steps / 2;
    for (int i = 0; i < steps; i++)
      out[i] = i < halfway ? Math.fma(step, (float) i, start) : Math.fma(-step, (float) (steps - i - 1), end);
    return out;
  }

  /** {@code np.linspace(start, stop, num)} in float64 (endpoint included, last value = stop). */
  static double[] npLinspace(double start, double stop, int num) {
    double[] y = new double[num];
    if (num == 1) {
      y[0] = start;
      return y;
    }
    double step = (stop - start) / (num - 1);
    for (int i = 0; i < num; i++) y[i] = step == 0 ? (i / (double) (num - 1)) * (stop - start) + start
        : i * step + start;
    y[num - 1] = stop;
    return y;
  }

  /**
   * {@code np.arange(start, stop, step)} for a float step: length {@code ceil((stop - start) / step)},
   * values {@code start + i * delta} with {@code delta = (start + step) - start} (numpy's fill rule).
   */
  static double[] npArange(double start, double stop, double step) {
    int len = (int) Math.max(0, Math.ceil((stop - start) / step));
    double[] y = new double[len];
    if (len == 0) return y;
    y[0] = start;
    if (len == 1) return y;
    y[1] = start + step;
    double delta = y[1] - y[0];
    for (int i = 2; i < len; i++) y[i] = start + i * delta;
    return y;
  }

  /** numpy {@code round()}: half to even. */
  static double npRound(double x) {
    return Math.rint(x);
  }

  /**
   * {@code np.interp(x, arange(len(fp)), fp)} in float64 with numpy's rules: exact grid points return
   * the table value, outside the range the end values.
   */
  static double npInterpOnIndex(double x, float[] fp) {
    int n = fp.length;
    if (Double.isNaN(x)) return x;
    if (x < 0) return fp[0];
    if (x >= n - 1) return fp[n - 1];
    int j = (int) Math.floor(x);
    if (x == j) return fp[j];
    double slope = ((double) fp[j + 1] - (double) fp[j]) / ((j + 1) - (double) j);
    double r = slope * (x - j) + fp[j];
    if (Double.isNaN(r)) {
      r = slope * (x - (j + 1)) + fp[j + 1];
      if (Double.isNaN(r) && fp[j] == fp[j + 1]) r = fp[j];
    }
    return r;
  }

  /** {@code ((1 - ac) / ac) ** 0.5} per element in float32 (the Karras-style sigma of each t). */
  static float[] trainSigmas(float[] alphasCumprod) {
    float[] s = new float[alphasCumprod.length];
    for (int i = 0; i < s.length; i++) s[i] = sqrt((1.0f - alphasCumprod[i]) / alphasCumprod[i]);
    return s;
  }

  /** Correctly rounded float32 square root (torch's {@code ** 0.5} and {@code sqrt}). */
  static float sqrt(float x) {
    return (float) Math.sqrt(x);
  }

  static double[] toDoubles(long[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) d[i] = v[i];
    return d;
  }

  /**
   * The inference timesteps of DDIM and PNDM for a timestep_spacing, descending (diffusers' order):
   * linspace: round(linspace(0, T-1, N))[::-1]; leading: arange(N)[::-1] * (T // N) + steps_offset;
   * trailing: round(arange(T, 0, -T/N)) - 1.
   */
  static long[] spacedTimesteps(SchedulerConfig cfg, int steps) {
    int T = cfg.numTrainTimesteps();
    long[] ts;
    switch (cfg.timestepSpacing()) {
      case "linspace" -> {
        double[] l = npLinspace(0, T - 1, steps);
        ts = new long[steps];
        for (int i = 0; i < steps; i++) ts[i] = (long) npRound(l[steps - 1 - i]);
      }
      case "leading" -> {
        long ratio = T / steps;
        ts = new long[steps];
        for (int i = 0; i < steps; i++) ts[i] = (long) (steps - 1 - i) * ratio + cfg.stepsOffset();
      }
      default -> {
        double[] a = npArange(T, 0, -((double) T / steps));
        ts = new long[a.length];
        for (int i = 0; i < a.length; i++) ts[i] = (long) npRound(a[i]) - 1;
      }
    }
    return ts;
  }
}
