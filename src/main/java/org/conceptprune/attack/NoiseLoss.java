package org.conceptprune.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.conceptprune.model.unet.UNet2DConditionModel;
import org.conceptprune.nn.Ops;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.schedule.NoiseSchedule;

/**
 * The diffusion loss both attacks minimise: noise the target latents to timestep t and compare the
 * noise with the model's estimate of it (UnlearnDiffAtk's {@code ClassifierTask.get_loss}, textual
 * inversion's loss):
 *
 * <pre>
 *   x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps
 *   L   = mean (eps - eps_hat(x_t, t, c))^2
 * </pre>
 *
 * eps_hat is the UNet's output for an epsilon model; a v-prediction model's output v is turned into
 * eps_hat = sqrt(abar) v + sqrt(1 - abar) x_t, a sample model's x0_hat into (x_t - sqrt(abar) x0_hat) /
 * sqrt(1 - abar), so the loss means the same for every kind of model.
 */
public final class NoiseLoss {
  public enum Prediction { EPSILON, V_PREDICTION, SAMPLE }

  private final float[] alphasCumprod;
  private final Prediction prediction;

  public NoiseLoss(float[] alphasCumprod, Prediction prediction) {
    this.alphasCumprod = alphasCumprod.clone();
    this.prediction = prediction;
  }

  public static NoiseLoss of(StableDiffusion sd) {
    float[] ac = NoiseSchedule.alphasCumprod(NoiseSchedule.betas(sd.schedulerConfig));
    String p = sd.schedulerConfig.predictionType();
    Prediction pred = p == null || p.equals("epsilon") ? Prediction.EPSILON
        : p.equals("v_prediction") ? Prediction.V_PREDICTION : Prediction.SAMPLE;
    return new NoiseLoss(ac, pred);
  }

  public int numTrainTimesteps() {
    return alphasCumprod.length;
  }

  /**
   * @param x0 [B, C, h, w] target latents (scaled)
   * @param noise [B, C, h, w] standard normal
   * @param context [B, 77, D]
   * @return the scalar loss (differentiable w.r.t. whatever context depends on)
   */
  public NDArray loss(UNet2DConditionModel unet, NDArray x0, int t, NDArray noise, NDArray context) {
    if (t < 0 || t >= alphasCumprod.length) throw new IllegalArgumentException("timestep " + t + " outside 0.." + (alphasCumprod.length - 1));
    NDManager m = x0.getManager();
    float a = (float) Math.sqrt(alphasCumprod[t]);
    float b = (float) Math.sqrt(1 - alphasCumprod[t]);
    NDArray xt = Ops.mul(x0, a).add(Ops.mul(noise, b));
    long batch = x0.getShape().get(0);
    float[] ts = new float[(int) batch];
    java.util.Arrays.fill(ts, t);
    NDArray out = unet.forward(xt, m.create(ts, new Shape(batch)), context, null);
    NDArray epsHat = switch (prediction) {
      case EPSILON -> out;
      case V_PREDICTION -> Ops.mul(out, a).add(Ops.mul(xt, b));
      case SAMPLE -> Ops.div(xt.sub(Ops.mul(out, a)), b);
    };
    return noise.sub(epsHat).square().mean();
  }
}
