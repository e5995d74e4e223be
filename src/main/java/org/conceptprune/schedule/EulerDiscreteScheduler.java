package org.conceptprune.schedule;

/**
 * The Euler sampler of Karras et al. 2022 ("Elucidating the Design Space of Diffusion-Based Generative
 * Models", arXiv:2206.00364, Algorithm 2 with S_churn = 0) as diffusers' {@code EulerDiscreteScheduler}
 * (deterministic: no churn, so no noise is drawn).
 *
 * <p>Notation (code -> paper):
 *
 * <pre>
 *   sigma[i]     σ_i = sqrt((1 − α_t)/α_t) at t = timesteps[i] (np.interp of the train sigmas); σ_N = 0
 *   x            x_i in the σ-parameterisation (latents already multiplied by σ_max)
 *   x0           D(x_i; σ_i) = x_i − σ_i · ε  (epsilon prediction)
 *   d            (x_i − D) / σ_i   (ODE derivative, eq. 3)
 * </pre>
 *
 * <p>Steps: model input is x_i / sqrt(σ_i² + 1) (see {@link #scaleModelInput}); then
 * x_(i+1) = x_i + d · (σ_(i+1) − σ_i). Timesteps are floats (np.float32): linspace
 * {@code linspace(0, T−1, N)} reversed, leading {@code arange(N)·(T//N) reversed + offset}, trailing
 * {@code round(arange(T, 0, −T/N)) − 1}. init_noise_sigma = σ_max for linspace/trailing,
 * sqrt(σ_max² + 1) for leading.
 *
 * <p>Stateless between calls apart from the schedule; steps must still run in order.
 */
public final class EulerDiscreteScheduler extends BaseScheduler {
  private final float[] trainSigmas;
  private float[] timesteps = new float[0];
  private float[] sigmas = new float[0];

  public EulerDiscreteScheduler(SchedulerConfig config) {
    super(SchedulerKind.EULER, config);
    trainSigmas = NoiseSchedule.trainSigmas(alphasCumprod);
  }

  @Override
  public void setTimesteps(int steps) {
    checkSteps(steps);
    int T = cfg.numTrainTimesteps();
    double[] ts; // the float32 timesteps, held in doubles
    switch (cfg.timestepSpacing()) {
      case "linspace" -> {
        double[] l = NoiseSchedule.npLinspace(0, T - 1, steps);
        ts = new double[steps];
        for (int i = 0; i < steps; i++) ts[i] = (float) l[steps - 1 - i];
      }
      case "leading" -> {
        long ratio = T / steps;
        ts = new double[steps];
        for (int i = 0; i < steps; i++) ts[i] = (float) ((float) ((steps - 1 - i) * ratio) + cfg.stepsOffset());
      }
      default -> {
        double[] a = NoiseSchedule.npArange(T, 0, -((double) T / steps));
        ts = new double[a.length];
        for (int i = 0; i < a.length; i++) ts[i] = (float) ((float) NoiseSchedule.npRound(a[i]) - 1f);
      }
    }
    int n = ts.length;
    timesteps = new float[n];
    sigmas = new float[n + 1];
    for (int i = 0; i < n; i++) {
      timesteps[i] = (float) ts[i];
      sigmas[i] = (float) NoiseSchedule.npInterpOnIndex(ts[i], trainSigmas);
    }
    sigmas[n] = cfg.finalSigmasType().equals("sigma_min")
        ? NoiseSchedule.sqrt((1f - alphasCumprod[0]) / alphasCumprod[0])
        : 0f;
    numInferenceSteps = steps;
    nextCall = 0;
  }

  @Override
  public double[] timesteps() {
    double[] d = new double[timesteps.length];
    for (int i = 0; i < d.length; i++) d[i] = timesteps[i];
    return d;
  }

  @Override
  public float[] sigmas() {
    return sigmas.clone();
  }

  @Override
  public float initNoiseSigma() {
    float max = sigmaMax();
    if (cfg.timestepSpacing().equals("linspace") || cfg.timestepSpacing().equals("trailing")) return max;
    return NoiseSchedule.sqrt(max * max + 1f);
  }

  private float sigmaMax() {
    if (sigmas.length == 0) throw new IllegalStateException("call setTimesteps first");
    float m = sigmas[0];
    for (float s : sigmas) m = Math.max(m, s);
    return m;
  }

  /** x_i / sqrt(σ_i² + 1): the UNet was trained on unit-variance inputs. */
  @Override
  public float[] scaleModelInput(float[] sample, int stepIndex) {
    float s = sigmas[stepIndex];
    float denom = NoiseSchedule.sqrt(s * s + 1f);
    float[] out = new float[sample.length];
    for (int i = 0; i < out.length; i++) out[i] = sample[i] / denom;
    return out;
  }

  @Override
  public float[] step(float[] m, int stepIndex, float[] x) {
    checkCall(m, stepIndex, x);
    int n = x.length;
    float sigma = sigmas[stepIndex];
    // 1. gamma = 0 (no churn): sigma_hat = sigma * (0 + 1)
    float sigmaHat = sigma * 1.0f;
    // 2. denoised estimate D(x; σ)
    float[] x0 = new float[n];
    switch (cfg.predictionType()) {
      case "epsilon" -> {
        for (int i = 0; i < n; i++) x0[i] = x[i] - sigmaHat * m[i];
      }
      case "sample" -> System.arraycopy(m, 0, x0, 0, n);
      default -> { // v_prediction: D = v · (−σ / sqrt(σ² + 1)) + x / (σ² + 1)
        float s2p1 = sigma * sigma + 1f;
        float cOut = -sigma / NoiseSchedule.sqrt(s2p1);
        for (int i = 0; i < n; i++) x0[i] = m[i] * cOut + x[i] / s2p1;
      }
    }
    // 3. Euler step along d = (x − D)/σ̂ with dt = σ_(i+1) − σ̂
    float dt = sigmas[stepIndex + 1] - sigmaHat;
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      float d = (x[i] - x0[i]) / sigmaHat;
      out[i] = x[i] + d * dt;
    }
    nextCall++;
    return out;
  }
}
