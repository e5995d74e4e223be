package org.conceptprune.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.conceptprune.schedule.Scheduler;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.schedule.Schedulers;
import org.conceptprune.util.UserError;

/**
 * The text-to-image sampler of diffusers' StableDiffusion(XL)Pipeline: encode prompts, start from
 * noise x init_noise_sigma, then per UNet call: scale the input, predict on the guidance batch
 * [negative, positive], combine eps = u + g (c - u), and let the scheduler step. A listener sees every
 * call and may stop the sampler early (the ConceptPrune statistics pass needs only the first t̂ calls).
 */
public final class TextToImage {
  private TextToImage() {}

  /**
   * @param negativePrompts one per prompt, or null (empty negative prompt; zeros for SDXL)
   * @param scheduler null for the model's own scheduler class
   * @param width, height in pixels; 0 for the model's default
   * @param initialLatents [N or 1, C, h, w] flattened, or null to draw them from the seed
   */
  public record Request(List<String> prompts, List<String> negativePrompts, int steps, double guidance,
      SchedulerKind scheduler, int width, int height, long seed, float[] initialLatents, boolean decode) {
    public Request {
      if (prompts == null || prompts.isEmpty()) throw new UserError("at least one prompt is needed");
      if (negativePrompts != null && negativePrompts.size() != prompts.size()) {
        if (negativePrompts.size() == 1) {
          negativePrompts = java.util.Collections.nCopies(prompts.size(), negativePrompts.get(0));
        } else {
          throw new UserError(negativePrompts.size() + " negative prompts for " + prompts.size() + " prompts");
        }
      }
      if (steps < 1) throw new UserError("steps must be at least 1, got " + steps);
    }
  }

  /** Sees each UNet call; returning false from afterCall stops the sampler. */
  public interface Listener {
    default void beforeCall(int call, int totalCalls) {}

    default boolean afterCall(int call, float[] latents, float[] unetOut) {
      return true;
    }
  }

  /** @param images [N, H, W, 3] in [0, 1], or null when not decoded; @param calls UNet calls made */
  public record Result(float[] latents, long[] latentShape, float[] images, int width, int height, int calls,
      double[] timesteps) {}

  public static SchedulerKind defaultScheduler(StableDiffusion sd) {
    SchedulerKind k = SchedulerKind.fromClassName(sd.schedulerConfig.className());
    if (k == null) {
      throw new UserError("the model's scheduler '" + sd.schedulerConfig.className()
          + "' is not supported; pick one with --scheduler (pndm, ddim, euler, dpmpp-2m)");
    }
    return k;
  }

  /**
   * Encodes a batch's prompts to the UNet's context [N, 77, D] in place of the text encoder on the
   * prompt strings (a learned token's embedding, an attack's soft prompt). SD-1.x/2.x only.
   */
  public interface PromptEncoder {
    NDArray encode(NDManager m, List<String> prompts);
  }

  /** The batches of prompt strings {@link #run} encodes for a request (see {@link StableDiffusion#loadUnetForStatistics}). */
  public static List<List<String>> promptBatches(Request r) {
    return Conditioning.batches(r.prompts(), r.negativePrompts(), r.guidance() > 1.0);
  }

  public static Result run(StableDiffusion sd, Request r, Listener listener) {
    return run(sd, r, listener, null);
  }

  /** @param encoder encodes the prompts (not the negative prompts), or null for the text encoder */
  public static Result run(StableDiffusion sd, Request r, Listener listener, PromptEncoder encoder) {
    if (encoder != null && sd.isSdxl()) throw new UserError("a custom prompt encoding is not supported for SDXL models");
    int scale = sd.vae.config.scaleFactor();
    int height = r.height() > 0 ? r.height() : sd.unet.config.sampleSize() * scale;
    int width = r.width() > 0 ? r.width() : sd.unet.config.sampleSize() * scale;
    if (height % scale != 0 || width % scale != 0) {
      throw new UserError("width and height must be multiples of " + scale + ", got " + width + "x" + height);
    }
    int n = r.prompts().size();
    int c = sd.unet.config.inChannels();
    int h = height / scale;
    int w = width / scale;
    int per = c * h * w;
    boolean cfg = r.guidance() > 1.0;
    SchedulerKind kind = r.scheduler() != null ? r.scheduler() : defaultScheduler(sd);
    Scheduler sched = Schedulers.create(kind, sd.schedulerConfig);
    sched.setTimesteps(r.steps());
    double[] ts = sched.timesteps();
    float[] latents = initialLatents(r, n, per, c, h, w);
    float sigma0 = sched.initNoiseSigma();
    for (int i = 0; i < latents.length; i++) latents[i] *= sigma0;
    int calls = 0;
    try (NDManager run = sd.manager.newSubManager()) {
      Conditioning cond = Conditioning.build(sd, run, r.prompts(), r.negativePrompts(), cfg, height, width, encoder);
      Shape shape = new Shape(n, c, h, w);
      float g = (float) r.guidance();
      for (int i = 0; i < ts.length; i++) {
        listener.beforeCall(i, ts.length);
        float[] out;
        try (NDManager step = run.newSubManager()) {
          NDArray x = step.create(sched.scaleModelInput(latents, i), shape);
          NDArray in = cfg ? NDArrays.concat(new NDList(x, x), 0) : x;
          NDArray t = step.create(new float[] {(float) ts[i]}, new Shape(1));
          out = sd.unet.forward(in, t, cond.context(), cond.added()).toType(DataType.FLOAT32, false).toFloatArray();
        }
        calls++;
        float[] eps = cfg ? guide(out, n * per, g) : out;
        latents = sched.step(eps, i, latents);
        if (!listener.afterCall(i, latents, out)) break;
      }
      float[] images = r.decode() ? decode(sd, run, latents, n, c, h, w) : null;
      return new Result(latents, new long[] {n, c, h, w}, images, width, height, calls, ts);
    }
  }

  /** Classifier-free guidance on [uncond x N, cond x N]: eps = u + g (c - u), per element in fp32. */
  static float[] guide(float[] out, int half, float g) {
    float[] eps = new float[half];
    for (int i = 0; i < half; i++) {
      float u = out[i];
      eps[i] = u + g * (out[half + i] - u);
    }
    return eps;
  }

  static float[] initialLatents(Request r, int n, int per, int c, int h, int w) {
    if (r.initialLatents() == null) return TorchRandom.randn(r.seed(), n * per);
    float[] given = r.initialLatents();
    if (given.length == n * per) return given.clone();
    if (given.length == per) {
      float[] out = new float[n * per];
      for (int i = 0; i < n; i++) System.arraycopy(given, 0, out, i * per, per);
      return out;
    }
    throw new UserError("initial latents hold " + given.length + " values; expected [" + n + "," + c + "," + h + "," + w
        + "] or [1," + c + "," + h + "," + w + "] for this size");
  }

  /** Decodes one image at a time (bounded memory); @return [N, H, W, 3] in [0, 1] */
  static float[] decode(StableDiffusion sd, NDManager run, float[] latents, int n, int c, int h, int w) {
    int per = c * h * w;
    float[] all = null;
    int img = 0;
    for (int i = 0; i < n; i++) {
      try (NDManager s = run.newSubManager()) {
        float[] one = java.util.Arrays.copyOfRange(latents, i * per, (i + 1) * per);
        NDArray z = s.create(one, new Shape(1, c, h, w));
        float[] px = sd.vae.decodeToImage(z).toType(DataType.FLOAT32, false).toFloatArray();
        if (all == null) {
          img = px.length;
          all = new float[n * img];
        }
        System.arraycopy(px, 0, all, i * img, img);
      }
    }
    return all;
  }
}
