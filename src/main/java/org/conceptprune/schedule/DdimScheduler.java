package org.conceptprune.schedule;

/**
 * Deterministic DDIM (Song et al. 2020, "Denoising Diffusion Implicit Models", arXiv:2010.02502) as
 * diffusers' {@code DDIMScheduler} with eta = 0 (no noise is ever drawn).
 *
 * <p>Notation (code -> paper, eq. 12):
 *
 * <pre>
 *   alphaProdT      α_t                  (alphas_cumprod[t])
 *   alphaProdPrev   α_(t−1)              (alphas_cumprod[t − T//N], final_alpha_cumprod when negative)
 *   betaProdT       1 − α_t
 *   x0              "predicted x_0"
 *   eps             ε_θ(x_t)
 *   std             σ_t = eta · sqrt(variance) = 0 here
 * </pre>
 *
 * <p>Timesteps (N steps, T train steps): leading {@code arange(N)·(T//N) + steps_offset} reversed;
 * linspace {@code round(linspace(0, T−1, N))} reversed; trailing {@code round(arange(T, 0, −T/N)) − 1}.
 * The previous timestep is always {@code t − T//N}, whatever the spacing (as in diffusers).
 *
 * <p>Stateless between calls apart from the schedule; steps must still run in order.
 */
public final class DdimScheduler extends BaseScheduler {
  private long[] timesteps = new long[0];

  public DdimScheduler(SchedulerConfig config) {
    super(SchedulerKind.DDIM, config);
  }

  @Override
  public void setTimesteps(int steps) {
    checkSteps(steps);
    long[] ts = NoiseSchedule.spacedTimesteps(cfg, steps);
    timesteps = ts;
    numInferenceSteps = steps;
    nextCall = 0;
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
    float[] out = ddimStep(modelOutput, timesteps[stepIndex], sample);
    nextCall++;
    return out;
  }

  /** One DDIM update from timestep {@code t}; exposed for tests of single steps. */
  float[] ddimStep(float[] m, long t, float[] x) {
    int n = x.length;
    // 1. previous timestep t - T//N
    long prevT = t - cfg.numTrainTimesteps() / numInferenceSteps;
    // 2. alphas and betas
    float alphaProdT = alphasCumprod[(int) t];
    float alphaProdPrev = prevT >= 0 ? alphasCumprod[(int) prevT] : finalAlphaCumprod();
    float betaProdT = 1f - alphaProdT;
    float sqrtA = NoiseSchedule.sqrt(alphaProdT);
    float sqrtB = NoiseSchedule.sqrt(betaProdT);
    // 3. predicted x_0 and eps ("predicted x_0" of eq. 12)
    float[] x0 = new float[n];
    float[] eps;
    switch (cfg.predictionType()) {
      case "epsilon" -> {
        for (int i = 0; i < n; i++) x0[i] = (x[i] - sqrtB * m[i]) / sqrtA;
        eps = m;
      }
      case "sample" -> {
        eps = new float[n];
        for (int i = 0; i < n; i++) {
          x0[i] = m[i];
          eps[i] = (x[i] - sqrtA * m[i]) / sqrtB;
        }
      }
      default -> { // v_prediction (Salimans & Ho 2022): x0 = √α x − √(1−α) v, ε = √α v + √(1−α) x
        eps = new float[n];
        for (int i = 0; i < n; i++) {
          x0[i] = sqrtA * x[i] - sqrtB * m[i];
          eps[i] = sqrtA * m[i] + sqrtB * x[i];
        }
      }
    }
    // 4. optional clipping of x_0
    if (cfg.clipSample()) {
      float r = (float) (double) cfg.clipSampleRange();
      for (int i = 0; i < n; i++) x0[i] = Math.min(Math.max(x0[i], -r), r);
    }
    // 5. σ_t = eta · sqrt(variance) with eta = 0, so σ_t² = 0
    float std = 0f;
    // 6. "direction pointing to x_t" of eq. 12, 7. x_(t−1) without random noise
    float dirCoeff = NoiseSchedule.sqrt(1f - alphaProdPrev - std * std);
    float prevCoeff = NoiseSchedule.sqrt(alphaProdPrev);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) out[i] = prevCoeff * x0[i] + dirCoeff * eps[i];
    return out;
  }
}
