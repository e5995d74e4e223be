package org.conceptprune.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * PNDM (Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models on Manifolds",
 * arXiv:2202.09778) as diffusers' {@code PNDMScheduler}: F-PNDM with 4 Runge-Kutta warm-up steps
 * (pseudo-RK, 12 model calls) or, with {@code skip_prk_steps} (Stable Diffusion), the PLMS variant
 * that starts with a pseudo-improved-Euler step.
 *
 * <p>Notation (code -> paper):
 *
 * <pre>
 *   alphaProdT      α_t          (alphas_cumprod[t])
 *   alphaProdPrev   α_(t−δ)      (alphas_cumprod[t−δ], or final_alpha_cumprod when t−δ < 0)
 *   betaProdT       1 − α_t
 *   eps             e_θ(x_t, t)  (the combined eps of the linear multistep rule)
 *   x               x_t,  returned value x_(t−δ)
 * </pre>
 *
 * <p>Schedule with skip_prk and N steps: the leading grid {@code g = [0, r, 2r, ...] + offset} (r =
 * T // N), then {@code [g[:-1], g[-2], g[-1]]} reversed, so the second-highest timestep is evaluated
 * twice: e.g. N=10 -> 901, 801, 801, 701, ..., 1 (11 calls).
 *
 * <p>State (one run): {@code ets} (the last 4 eps), {@code curSample} (x_t of the first call, reused by
 * the second), {@code counter}, and the RK accumulator.
 */
public final class PndmScheduler extends BaseScheduler {
  private long[] timesteps = new long[0];
  private long[] prkTimesteps = new long[0];
  private final List<float[]> ets = new ArrayList<>();
  private float[] curSample;
  private float[] curModelOutput;
  private int counter;

  public PndmScheduler(SchedulerConfig config) {
    super(SchedulerKind.PNDM, config);
  }

  @Override
  public void setTimesteps(int steps) {
    checkSteps(steps);
    int T = cfg.numTrainTimesteps();
    long[] grid = reverse(NoiseSchedule.spacedTimesteps(cfg, steps)); // ascending
    int g = grid.length;
    long[] plms;
    if (cfg.skipPrkSteps()) {
      if (g < 2) throw new IllegalArgumentException("PNDM with skip_prk_steps needs at least 2 steps");
      prkTimesteps = new long[0];
      // concat(g[:-1], g[-2:-1], g[-1:]) reversed
      long[] fwd = new long[g + 1];
      System.arraycopy(grid, 0, fwd, 0, g - 1);
      fwd[g - 1] = grid[g - 2];
      fwd[g] = grid[g - 1];
      plms = reverse(fwd);
    } else {
      if (g < 4) throw new IllegalArgumentException("PNDM with Runge-Kutta warm-up needs at least 4 steps");
      long half = T / steps / 2;
      // repeat(g[-4:], 2) + tile([0, half], 4), then [:-1].repeat(2)[1:-1] reversed
      long[] p = new long[8];
      for (int i = 0; i < 8; i++) p[i] = grid[g - 4 + i / 2] + (i % 2 == 0 ? 0 : half);
      long[] rep = new long[14];
      for (int i = 0; i < 14; i++) rep[i] = p[i / 2];
      long[] mid = new long[12];
      System.arraycopy(rep, 1, mid, 0, 12);
      prkTimesteps = reverse(mid);
      long[] head = new long[g - 3];
      System.arraycopy(grid, 0, head, 0, g - 3);
      plms = reverse(head);
    }
    timesteps = new long[prkTimesteps.length + plms.length];
    System.arraycopy(prkTimesteps, 0, timesteps, 0, prkTimesteps.length);
    System.arraycopy(plms, 0, timesteps, prkTimesteps.length, plms.length);
    numInferenceSteps = steps;
    ets.clear();
    curSample = null;
    curModelOutput = null;
    counter = 0;
    nextCall = 0;
  }

  private static long[] reverse(long[] a) {
    long[] r = new long[a.length];
    for (int i = 0; i < a.length; i++) r[i] = a[a.length - 1 - i];
    return r;
  }

  @Override
  public double[] timesteps() {
    return NoiseSchedule.toDoubles(timesteps);
  }

  @Override
  public float initNoiseSigma() {
    return 1.0f;
  }

  @Override
  public float[] step(float[] modelOutput, int stepIndex, float[] sample) {
    checkCall(modelOutput, stepIndex, sample);
    long t = timesteps[stepIndex];
    float[] out = counter < prkTimesteps.length && !cfg.skipPrkSteps()
        ? stepPrk(modelOutput, t, sample)
        : stepPlms(modelOutput, t, sample);
    counter++;
    nextCall++;
    return out;
  }

  /** Pseudo Runge-Kutta (paper eq. 13): 4 calls per step, eps averaged with weights 1/6,1/3,1/3,1/6. */
  private float[] stepPrk(float[] eps, long t, float[] x) {
    long diffToPrev = counter % 2 != 0 ? 0 : cfg.numTrainTimesteps() / numInferenceSteps / 2;
    long prevT = t - diffToPrev;
    long baseT = prkTimesteps[counter / 4 * 4];
    int n = eps.length;
    float[] e = eps;
    switch (counter % 4) {
      case 0 -> {
        accumulate(eps, (float) (1.0 / 6));
        ets.add(eps.clone());
        curSample = x.clone();
      }
      case 1, 2 -> accumulate(eps, (float) (1.0 / 3));
      default -> {
        e = new float[n];
        float w = (float) (1.0 / 6);
        for (int i = 0; i < n; i++) e[i] = curModelOutput[i] + w * eps[i];
        curModelOutput = null;
      }
    }
    float[] xs = curSample != null ? curSample : x;
    return prevSample(xs, baseT, prevT, e);
  }

  /** cur_model_output += w * eps (starting from the Python int 0). */
  private void accumulate(float[] eps, float w) {
    int n = eps.length;
    if (curModelOutput == null) {
      curModelOutput = new float[n];
      for (int i = 0; i < n; i++) curModelOutput[i] = w * eps[i];
    } else {
      for (int i = 0; i < n; i++) curModelOutput[i] = curModelOutput[i] + w * eps[i];
    }
  }

  /** Pseudo linear multistep (paper eq. 12; Adams-Bashforth of order up to 4 on stored eps). */
  private float[] stepPlms(float[] eps, long t, float[] x) {
    if (!cfg.skipPrkSteps() && ets.size() < 3)
      throw new IllegalStateException("PNDM: PLMS steps need 3 Runge-Kutta eps first");
    int ratio = cfg.numTrainTimesteps() / numInferenceSteps;
    long prevT = t - ratio;
    if (counter != 1) {
      while (ets.size() > 3) ets.remove(0);
      ets.add(eps.clone());
    } else {
      // 2nd call: same timestep again; step from the first call's x_t to the grid point t
      prevT = t;
      t = t + ratio;
    }
    int n = eps.length;
    int k = ets.size();
    float[] e = new float[n];
    float[] xs = x;
    if (k == 1 && counter == 0) {
      System.arraycopy(eps, 0, e, 0, n);
      curSample = x.clone();
    } else if (k == 1 && counter == 1) {
      // step 1: improved Euler - average the eps at both ends of the first interval
      float[] e1 = ets.get(0);
      for (int i = 0; i < n; i++) e[i] = (eps[i] + e1[i]) / 2f;
      xs = curSample;
      curSample = null;
    } else if (k == 2) {
      float[] a = ets.get(1), b = ets.get(0);
      for (int i = 0; i < n; i++) e[i] = (3f * a[i] - b[i]) / 2f;
    } else if (k == 3) {
      float[] a = ets.get(2), b = ets.get(1), c = ets.get(0);
      for (int i = 0; i < n; i++) e[i] = (23f * a[i] - 16f * b[i] + 5f * c[i]) / 12f;
    } else {
      float[] a = ets.get(3), b = ets.get(2), c = ets.get(1), d = ets.get(0);
      float w = (float) (1.0 / 24);
      for (int i = 0; i < n; i++) e[i] = w * (55f * a[i] - 59f * b[i] + 37f * c[i] - 9f * d[i]);
    }
    return prevSample(xs, t, prevT, e);
  }

  /**
   * The transfer x_t -> x_(t−δ) of paper eq. (9), written as diffusers does:
   *
   * <pre>
   *   x_(t−δ) = sqrt(α_(t−δ)/α_t) · x_t
   *             − (α_(t−δ) − α_t) · e / (α_t · sqrt(1 − α_(t−δ)) + sqrt(α_t (1 − α_t) α_(t−δ)))
   * </pre>
   */
  private float[] prevSample(float[] x, long t, long prevT, float[] e) {
    float alphaProdT = alphasCumprod[(int) t];
    float alphaProdPrev = prevT >= 0 ? alphasCumprod[(int) prevT] : finalAlphaCumprod();
    float betaProdT = 1f - alphaProdT;
    float betaProdPrev = 1f - alphaProdPrev;
    int n = x.length;
    if (cfg.predictionType().equals("v_prediction")) {
      // e = sqrt(α_t) · v + sqrt(1 − α_t) · x_t
      float sa = NoiseSchedule.sqrt(alphaProdT), sb = NoiseSchedule.sqrt(betaProdT);
      float[] conv = new float[n];
      for (int i = 0; i < n; i++) conv[i] = sa * e[i] + sb * x[i];
      e = conv;
    }
    float sampleCoeff = NoiseSchedule.sqrt(alphaProdPrev / alphaProdT);
    float denom = alphaProdT * NoiseSchedule.sqrt(betaProdPrev)
        + NoiseSchedule.sqrt(alphaProdT * betaProdT * alphaProdPrev);
    float diff = alphaProdPrev - alphaProdT;
    float[] out = new float[n];
    for (int i = 0; i < n; i++) out[i] = sampleCoeff * x[i] - diff * e[i] / denom;
    return out;
  }
}
