package org.conceptprune.schedule;

/**
 * A diffusers-compatible sampler over flattened float32 tensors.
 *
 * <p>Usage mirrors a diffusers pipeline: {@link #setTimesteps}, multiply the initial noise by {@link
 * #initNoiseSigma}, then for each model call {@code i = 0 .. numModelCalls()-1}: evaluate the UNet at
 * {@code timesteps()[i]} on {@code scaleModelInput(latents, i)}, apply guidance, and call {@code
 * latents = step(eps, i, latents)}.
 *
 * <p>An instance is stateful and serves ONE sampling run: PNDM keeps its eps history and the sample of
 * its first call, DPM-Solver keeps the previous data prediction. Calls to {@link #step} must come in
 * order {@code 0, 1, 2, ...}; {@link #setTimesteps} resets the state for a new run. Not thread-safe.
 *
 * <p>All element-wise arithmetic is float32 in the order torch performs it, so results equal the
 * diffusers 0.35.2 CPU outputs up to the last bits of transcendental functions.
 */
public interface Scheduler {
  /** Computes the timestep (and sigma) schedule for {@code steps} inference steps and resets state. */
  void setTimesteps(int steps);

  /** UNet timestep of each model call (integers except for Euler, whose timesteps are floats). */
  double[] timesteps();

  /** Number of UNet evaluations of one run (= timesteps().length; PNDM with skip_prk: steps + 1). */
  default int numModelCalls() {
    return timesteps().length;
  }

  /** Factor applied to the initial Gaussian noise. */
  float initNoiseSigma();

  /** The model input for call {@code stepIndex} (identity except for Euler). Returns a new array. */
  float[] scaleModelInput(float[] sample, int stepIndex);

  /** One sampler update: returns the sample after model call {@code stepIndex} (a new array). */
  float[] step(float[] modelOutput, int stepIndex, float[] sample);

  /** Sigmas of the current schedule (length calls + 1) for sigma-based samplers, else null. */
  default float[] sigmas() {
    return null;
  }

  /** The 1000 (num_train_timesteps) cumulative alpha products of the training schedule (a copy). */
  float[] alphasCumprod();
}
