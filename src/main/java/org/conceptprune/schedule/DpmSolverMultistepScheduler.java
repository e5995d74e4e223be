package org.conceptprune.schedule;

/**
 * Multistep DPM-Solver++ (Lu et al. 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion
 * Probabilistic Models", arXiv:2211.01095, Algorithm 2 "2M") as diffusers'
 * {@code DPMSolverMultistepScheduler} with solver_order 1 or 2, algorithm_type dpmsolver++ (or the
 * noise-prediction "dpmsolver") and the midpoint/heun second-order variants.
 *
 * <p>Notation (code -> paper):
 *
 * <pre>
 *   sigma[i]       σ_i = sqrt((1 − ᾱ)/ᾱ) interpolated at t_i (the schedule's own sigmas; σ_N = 0 or σ_min)
 *   alpha(σ)       α = 1/sqrt(σ² + 1),  sig(σ) = σ·α   (VP α_t, σ_t of the paper)
 *   lambda         λ = log α − log σ   (half log-SNR)
 *   h              λ_(i+1) − λ_i,  r0 = h_(i−1) / h_i
 *   x0             data prediction x_θ(x_t, t) = (x − σ_t ε)/α_t
 *   D0, D1         m0 and (m0 − m1)/r0 of the multistep rule
 * </pre>
 *
 * <p>The first step, and (with lower_order_final and fewer than 15 steps, or final_sigmas_type
 * "zero") the last step, are first order; with lower_order_final and fewer than 15 steps the
 * second-to-last step is second order (so for solver_order 2 every middle step is 2M).
 *
 * <p>State (one run): the previous data prediction and the number of lower-order steps taken.
 */
public final class DpmSolverMultistepScheduler extends BaseScheduler {
  private final float[] trainSigmas;
  private long[] timesteps = new long[0];
  private float[] sigmas = new float[0];
  private float[][] modelOutputs;
  private int lowerOrderNums;

  public DpmSolverMultistepScheduler(SchedulerConfig config) {
    super(SchedulerKind.DPMPP_2M, config);
    trainSigmas = NoiseSchedule.trainSigmas(alphasCumprod);
    modelOutputs = new float[cfg.solverOrder()][];
  }

  @Override
  public void setTimesteps(int steps) {
    checkSteps(steps);
    int T = cfg.numTrainTimesteps();
    // clipped_idx = searchsorted(flip(lambda_t), lambda_min_clipped); -inf clips nothing
    int clipped = 0;
    if (cfg.lambdaMinClipped() != Double.NEGATIVE_INFINITY) {
      for (int t = 0; t < T; t++) {
        float a = NoiseSchedule.sqrt(alphasCumprod[t]);
        float s = NoiseSchedule.sqrt(1f - alphasCumprod[t]);
        float lambda = (float) Math.log(a) - (float) Math.log(s);
        if (lambda < cfg.lambdaMinClipped()) clipped++;
      }
    }
    int last = T - clipped;
    long[] ts;
    switch (cfg.timestepSpacing()) {
      case "linspace" -> {
        double[] l = NoiseSchedule.npLinspace(0, last - 1, steps + 1);
        ts = new long[steps];
        for (int i = 0; i < steps; i++) ts[i] = (long) NoiseSchedule.npRound(l[steps - i]);
      }
      case "leading" -> {
        long ratio = last / (steps + 1);
        ts = new long[steps];
        for (int i = 0; i < steps; i++) ts[i] = (long) (steps - i) * ratio + cfg.stepsOffset();
      }
      default -> {
        double[] a = NoiseSchedule.npArange(last, 0, -((double) T / steps));
        ts = new long[a.length];
        for (int i = 0; i < a.length; i++) ts[i] = (long) NoiseSchedule.npRound(a[i]) - 1;
      }
    }
    int n = ts.length;
    timesteps = ts;
    sigmas = new float[n + 1];
    for (int i = 0; i < n; i++) sigmas[i] = (float) NoiseSchedule.npInterpOnIndex(ts[i], trainSigmas);
    sigmas[n] = cfg.finalSigmasType().equals("sigma_min")
        ? NoiseSchedule.sqrt((1f - alphasCumprod[0]) / alphasCumprod[0])
        : 0f;
    numInferenceSteps = n;
    modelOutputs = new float[cfg.solverOrder()][];
    lowerOrderNums = 0;
    nextCall = 0;
  }

  @Override
  public double[] timesteps() {
    return NoiseSchedule.toDoubles(timesteps);
  }

  @Override
  public float[] sigmas() {
    return sigmas.clone();
  }

  @Override
  public float initNoiseSigma() {
    return 1.0f;
  }

  @Override
  public float[] step(float[] m, int stepIndex, float[] x) {
    checkCall(m, stepIndex, x);
    int n = timesteps.length;
    boolean few = cfg.lowerOrderFinal() && n < 15;
    boolean lowerOrderFinal = stepIndex == n - 1
        && (cfg.eulerAtFinal() || few || cfg.finalSigmasType().equals("zero"));

    float[] converted = convertModelOutput(m, stepIndex, x);
    int order = cfg.solverOrder();
    for (int i = 0; i < order - 1; i++) modelOutputs[i] = modelOutputs[i + 1];
    modelOutputs[order - 1] = converted;

    float[] out;
    if (order == 1 || lowerOrderNums < 1 || lowerOrderFinal) {
      out = firstOrder(converted, stepIndex, x);
    } else {
      // order 2 (diffusers' lower_order_second only matters for order 3, which is not supported)
      out = secondOrder(stepIndex, x);
    }
    if (lowerOrderNums < order) lowerOrderNums++;
    nextCall++;
    return out;
  }

  private static float alphaOf(float sigma) {
    return 1f / NoiseSchedule.sqrt(sigma * sigma + 1f);
  }

  private static float lambdaOf(float alpha, float sig) {
    return log(alpha) - log(sig);
  }

  private static float log(float v) {
    return (float) Math.log(v);
  }

  private static float exp(float v) {
    return (float) Math.exp(v);
  }

  /** The model output as the algorithm needs it: x_0 for dpmsolver++, ε for dpmsolver. */
  private float[] convertModelOutput(float[] m, int i, float[] x) {
    int n = x.length;
    float sigma = sigmas[i];
    float alphaT = alphaOf(sigma);
    float sigmaT = sigma * alphaT;
    String pred = cfg.predictionType();
    float[] out = new float[n];
    if (cfg.algorithmType().equals("dpmsolver++")) {
      switch (pred) {
        case "epsilon" -> { for (int k = 0; k < n; k++) out[k] = (x[k] - sigmaT * m[k]) / alphaT; }
        case "sample" -> System.arraycopy(m, 0, out, 0, n);
        default -> { for (int k = 0; k < n; k++) out[k] = alphaT * x[k] - sigmaT * m[k]; }
      }
    } else {
      switch (pred) {
        case "epsilon" -> System.arraycopy(m, 0, out, 0, n);
        case "sample" -> { for (int k = 0; k < n; k++) out[k] = (x[k] - alphaT * m[k]) / sigmaT; }
        default -> { for (int k = 0; k < n; k++) out[k] = alphaT * m[k] + sigmaT * x[k]; }
      }
    }
    return out;
  }

  /** First order (= DDIM in the λ parameterisation): paper eq. (5) / DPM-Solver-1. */
  private float[] firstOrder(float[] m0, int i, float[] x) {
    float sT = sigmas[i + 1], sS = sigmas[i];
    float alphaT = alphaOf(sT), sigmaT = sT * alphaT;
    float alphaS = alphaOf(sS), sigmaS = sS * alphaS;
    float h = lambdaOf(alphaT, sigmaT) - lambdaOf(alphaS, sigmaS);
    int n = x.length;
    float[] out = new float[n];
    if (cfg.algorithmType().equals("dpmsolver++")) {
      float c1 = sigmaT / sigmaS;
      float c2 = alphaT * (exp(-h) - 1.0f);
      for (int k = 0; k < n; k++) out[k] = c1 * x[k] - c2 * m0[k];
    } else {
      float c1 = alphaT / alphaS;
      float c2 = sigmaT * (exp(h) - 1.0f);
      for (int k = 0; k < n; k++) out[k] = c1 * x[k] - c2 * m0[k];
    }
    return out;
  }

  /** Second-order multistep update (DPM-Solver++(2M), Algorithm 2; midpoint or heun form). */
  private float[] secondOrder(int i, float[] x) {
    float sT = sigmas[i + 1], sS0 = sigmas[i], sS1 = sigmas[i - 1];
    float alphaT = alphaOf(sT), sigmaT = sT * alphaT;
    float alphaS0 = alphaOf(sS0), sigmaS0 = sS0 * alphaS0;
    float alphaS1 = alphaOf(sS1), sigmaS1 = sS1 * alphaS1;
    float lambdaT = lambdaOf(alphaT, sigmaT);
    float lambdaS0 = lambdaOf(alphaS0, sigmaS0);
    float lambdaS1 = lambdaOf(alphaS1, sigmaS1);
    float[] m0 = modelOutputs[modelOutputs.length - 1];
    float[] m1 = modelOutputs[modelOutputs.length - 2];
    float h = lambdaT - lambdaS0;
    float h0 = lambdaS0 - lambdaS1;
    float r0 = h0 / h;
    float invR0 = (1f / r0) * 1.0f;
    boolean pp = cfg.algorithmType().equals("dpmsolver++");
    boolean midpoint = cfg.solverType().equals("midpoint");
    float c1, c2, c3;
    if (pp) {
      c1 = sigmaT / sigmaS0;
      c2 = alphaT * (exp(-h) - 1.0f);
      c3 = midpoint ? 0.5f * (alphaT * (exp(-h) - 1.0f)) : alphaT * ((exp(-h) - 1.0f) / h + 1.0f);
    } else {
      c1 = alphaT / alphaS0;
      c2 = sigmaT * (exp(h) - 1.0f);
      c3 = midpoint ? 0.5f * (sigmaT * (exp(h) - 1.0f)) : sigmaT * ((exp(h) - 1.0f) / h - 1.0f);
    }
    // midpoint: x = c1 x − c2 D0 − c3 D1;  heun (++): x = c1 x − c2 D0 + c3 D1;  heun: − c3 D1
    boolean plusD1 = pp && !midpoint;
    int n = x.length;
    float[] out = new float[n];
    for (int k = 0; k < n; k++) {
      float d1 = invR0 * (m0[k] - m1[k]);
      float a = c1 * x[k] - c2 * m0[k];
      out[k] = plusD1 ? a + c3 * d1 : a - c3 * d1;
    }
    return out;
  }
}
