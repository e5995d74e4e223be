package org.conceptprune.schedule;

/** State shared by the four samplers: effective config, training schedule, call bookkeeping. */
abstract class BaseScheduler implements Scheduler {
  private final SchedulerKind kind;
  protected final SchedulerConfig cfg;
  protected final float[] alphasCumprod;
  protected int numInferenceSteps = -1;
  /** Index of the next expected {@link #step} call. */
  protected int nextCall;

  BaseScheduler(SchedulerKind kind, SchedulerConfig config) {
    this.kind = kind;
    this.cfg = config.withDefaults(kind);
    this.alphasCumprod = NoiseSchedule.alphasCumprod(NoiseSchedule.betas(cfg));
  }

  /**
   * alpha-bar of the step before the first training timestep (DDIM and PNDM's "final" alpha):
   * 1 with set_alpha_to_one, else alpha-bar_0.
   */
  protected final float finalAlphaCumprod() {
    return cfg.setAlphaToOne() ? 1.0f : alphasCumprod[0];
  }

  @Override
  public float[] alphasCumprod() {
    return alphasCumprod.clone();
  }

  @Override
  public float[] scaleModelInput(float[] sample, int stepIndex) {
    return sample.clone();
  }

  protected void checkSteps(int steps) {
    if (steps < 1 || steps > cfg.numTrainTimesteps())
      throw new IllegalArgumentException("steps must be in 1.." + cfg.numTrainTimesteps() + ", got " + steps);
  }

  /** Validates a step call: timesteps set, calls in order, equal lengths. */
  protected void checkCall(float[] modelOutput, int stepIndex, float[] sample) {
    if (numInferenceSteps < 0) throw new IllegalStateException("call setTimesteps before step");
    if (stepIndex != nextCall)
      throw new IllegalStateException(kind + ": step " + stepIndex + " called, expected " + nextCall
          + " (steps must run in order; use a fresh setTimesteps for a new run)");
    if (stepIndex >= numModelCalls())
      throw new IllegalStateException(kind + ": only " + numModelCalls() + " model calls in this run");
    if (modelOutput.length != sample.length)
      throw new IllegalArgumentException("model output has " + modelOutput.length + " values, sample "
          + sample.length);
  }
}
