package org.conceptprune.toy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.conceptprune.model.clip.ClipTextConfig;
import org.conceptprune.model.clip.ClipTextModel;
import org.conceptprune.model.clip.ClipTokenizer;
import org.conceptprune.model.unet.UNet2DConditionConfig;
import org.conceptprune.model.unet.UNet2DConditionModel;
import org.conceptprune.model.vae.AutoencoderKL;
import org.conceptprune.model.vae.AutoencoderKLConfig;
import org.conceptprune.nn.Ops;
import org.conceptprune.pipeline.Conditioning;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.toy.clip.ToyClip;
import org.conceptprune.toy.clip.ToyClipText;
import org.conceptprune.toy.train.AdamW;
import org.conceptprune.toy.train.Checkpoints;
import org.conceptprune.toy.train.Ema;
import org.conceptprune.toy.train.Grads;
import org.conceptprune.toy.train.ParamInit;

/**
 * Trains the toy text-to-image model in Java with DJL autograd and writes it as a diffusers folder:
 * first the VAE (32x32x3 -> 4x8x8; MSE + L1 + small KL), then the text encoder is fixed at a seeded
 * random init, then the UNet learns v-prediction (plain or Min-SNR-5 weighted, {@link LossWeight}), 10% empty captions (for
 * classifier-free guidance), AdamW with warm-up and cosine decay, and EMA weights (saved).
 */
public final class ToyTrainer {
  private ToyTrainer() {}

  /**
   * How the per-sample v-prediction MSE is weighted over timesteps. MIN_SNR: min(SNR, 5) / (SNR + 1),
   * the Min-SNR-5 rule for v-prediction (equal to the plain epsilon loss at high noise, so the
   * noisiest steps, where the layout of an image is decided, weigh little). V: weight 1 (the plain
   * v-prediction loss, as SD 2 was trained), which weighs the high-noise steps (1 + SNR) / SNR times
   * more than MIN_SNR does there.
   */
  public enum LossWeight {
    MIN_SNR, V;

    /** The weight of a sample at signal-to-noise ratio snr. */
    double at(double snr) {
      return this == V ? 1.0 : Math.min(snr, 5.0) / (snr + 1);
    }
  }

  /**
   * What to train. A stage ends after its step count when that is positive (the same seed and steps
   * give the same data, schedule and updates on any machine; only libtorch's floating-point
   * reduction order may differ with the thread count), otherwise after its minutes (the cosine
   * learning-rate schedule then follows the clock, so the step count depends on the machine).
   */
  public record Options(Path out, long seed, double vaeMinutes, double unetMinutes, ToyDesign design, int batch,
      double lr, LossWeight lossWeight, int vaeSteps, int unetSteps, World world, Path clipText, Wording wording) {
    public Options {
      wording.requireFits(world);
    }

    /** Grammar captions. */
    public Options(Path out, long seed, double vaeMinutes, double unetMinutes, ToyDesign design, int batch,
        double lr, LossWeight lossWeight, int vaeSteps, int unetSteps, World world, Path clipText) {
      this(out, seed, vaeMinutes, unetMinutes, design, batch, lr, lossWeight, vaeSteps, unetSteps, world, clipText, Wording.GRAMMAR);
    }

    /** The classic world, the seeded random text encoder. */
    Options(Path out, long seed, double vaeMinutes, double unetMinutes, ToyDesign design, int batch,
        double lr, LossWeight lossWeight, int vaeSteps, int unetSteps) {
      this(out, seed, vaeMinutes, unetMinutes, design, batch, lr, lossWeight, vaeSteps, unetSteps, World.classic(), null);
    }

    /** Trains the VAE (false: reuse the one in out). */
    public boolean trainsVae() {
      return vaeSteps > 0 || vaeMinutes > 0;
    }
  }

  /** The fraction of a stage done: by steps when steps > 0, else by the clock. */
  static double progress(int step, int steps, double elapsedSeconds, double minutes) {
    return steps > 0 ? (double) step / steps : elapsedSeconds / (minutes * 60);
  }

  public static final String VAE_FILE = "vae/diffusion_pytorch_model.safetensors";

  /** The files of a toy model's VAE, relative to the model folder. */
  static final String[] VAE_FILES = {"vae/config.json", VAE_FILE};

  /**
   * Copies from's vae/ (config and weights) into to/vae/ atomically ({@link AtomicFiles#writeFolder});
   * refuses when to already holds a VAE, or from lacks one (IllegalArgumentException naming the
   * path), so no VAE is ever overwritten.
   */
  public static void copyVae(Path from, Path to) {
    Path target = to.resolve("vae");
    if (Files.exists(target)) {
      throw new IllegalArgumentException(target + " already exists: train on it with --reuse-vae, or choose another --out");
    }
    for (String f : VAE_FILES) {
      if (!Files.isRegularFile(from.resolve(f))) throw new IllegalArgumentException("no VAE to copy: " + from.resolve(f) + " does not exist");
    }
    AtomicFiles.writeFolder(target, tmp -> {
      for (String f : VAE_FILES) Files.copy(from.resolve(f), tmp.resolve(Path.of(f).getFileName()));
    });
  }

  /** Checks that dir holds VAE weights to reuse; IllegalArgumentException naming the file if not. */
  public static void requireVae(Path dir) {
    if (!Files.isRegularFile(dir.resolve(VAE_FILE))) {
      throw new IllegalArgumentException("no VAE to reuse: " + dir.resolve(VAE_FILE) + " does not exist");
    }
  }
  static final String UNET_FILE = "unet/diffusion_pytorch_model.safetensors";
  static final String TEXT_FILE = "text_encoder/model.safetensors";

  public static void train(Options o, Consumer<String> log) {
    long t0 = System.nanoTime();
    log.accept("runtime: " + TorchRuntime.describe() + "; design " + describe(o) + String.format(Locale.ROOT,
        "; batch %d, lr %.1e, loss weight %s; world %s; captions %s", o.batch(), o.lr(), o.lossWeight(), o.world(),
        o.wording().name().toLowerCase(Locale.ROOT)));
    Path dir = o.out();
    boolean reuseVae = !o.trainsVae();
    if (reuseVae) requireVae(dir);
    double scaling = 1.0;
    if (reuseVae) {
      scaling = AutoencoderKLConfig.read(dir.resolve("vae/config.json")).scalingFactor();
    }
    o.design().writeConfigs(dir, scaling);
    ToyModel.writeWorld(dir, o.world());
    try (NDManager m = TorchRuntime.newManager()) {
      AutoencoderKL vae = new AutoencoderKL(AutoencoderKLConfig.read(dir.resolve("vae/config.json")));
      if (reuseVae) {
        Checkpoints.load("vae", vae, dir.resolve(VAE_FILE), m);
        log.accept("reusing the VAE in " + dir + " (scaling " + scaling + ")");
      } else {
        ParamInit.init(vae, m, o.seed());
        trainVae(vae, m, o, log);
        Grads.noGrad(vae);
        scaling = latentScaling(vae, m, o.world(), o.seed());
        o.design().writeVaeConfig(dir, scaling);
        // use the factor as written (rounded), so a later --reuse-vae run trains on the same latents
        scaling = AutoencoderKLConfig.read(dir.resolve("vae/config.json")).scalingFactor();
        Checkpoints.save(vae, dir.resolve(VAE_FILE), Map.of("format", "pt"));
        log.accept(String.format(Locale.ROOT, "VAE saved, scaling_factor %.5f, %.0f s", scaling, secs(t0)));
      }
      Grads.noGrad(vae);
      ClipTextModel te = new ClipTextModel(ClipTextConfig.read(dir.resolve("text_encoder/config.json")));
      if (o.clipText() == null) {
        ParamInit.init(te, m, o.seed() + 1);
        for (Map.Entry<String, org.conceptprune.nn.Parameter> e : te.parameters().entrySet()) {
          if (e.getKey().endsWith("token_embedding.weight")) ParamInit.scale(e.getValue(), (float) (o.design().tokenStd() / ParamInit.EMBEDDING_STD));
        }
      } else {
        ToyClipText.load(te, o.clipText(), m);
        ToyClipText.copyInto(o.clipText(), dir);
        log.accept("text encoder: the text tower of the toy CLIP in " + o.clipText() + " (frozen; copied to "
            + dir.resolve(ToyClip.MODEL_SUBDIR) + ")");
      }
      Grads.noGrad(te);
      Checkpoints.save(te, dir.resolve(TEXT_FILE), Map.of("format", "pt"));
      ClipTokenizer tok = ClipTokenizer.load(dir.resolve("tokenizer"));
      Map<String, NDArray> emb = embeddings(te, tok, m, o.world(), o.wording());
      trainUnet(dir, vae, (float) scaling, emb, m, o, log, t0);
    }
  }

  static String describe(Options o) {
    ToyDesign d = o.design();
    String text = o.clipText() == null
        ? String.format(Locale.ROOT, "token std %.2f (frozen)", d.tokenStd())
        : "toy-CLIP text tower (frozen)";
    return String.format(Locale.ROOT,
        "unet %s heads %s x%d layers/block %d%s, text hidden %d x%d layers %d heads %s",
        java.util.Arrays.toString(d.unetChannels()), java.util.Arrays.toString(d.heads()), d.transformerLayers(),
        d.layersPerBlock(), d.ffMult() == UNet2DConditionConfig.DIFFUSERS_FF_MULT ? "" : " ff mult " + d.ffMult(), d.textHidden(), d.textLayers(), d.textHeads(), text);
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Random images of any pair of the world, NCHW in [-1, 1]. */
  static float[] images(World w, int n, SplittableRandom r) {
    int[] ob = new int[n];
    int[] st = new int[n];
    for (int i = 0; i < n; i++) {
      ob[i] = r.nextInt(w.numObjects());
      st[i] = r.nextInt(w.numStyles());
    }
    float[] x = ToyRenderer.renderBatch(w, ob, st, r);
    for (int i = 0; i < x.length; i++) x[i] = 2 * x[i] - 1;
    return x;
  }

  static void trainVae(AutoencoderKL vae, NDManager m, Options o, Consumer<String> log) {
    long t0 = System.nanoTime();
    int batch = 16;
    AdamW opt = new AdamW(vae, 2e-3f, 0.9f, 0.99f, 1e-8f, 0f).clipGradNorm(1f);
    SplittableRandom data = new SplittableRandom(o.seed() ^ 0x7AE1L);
    double avg = 0;
    int warm = 50;
    for (int step = 0; ; step++) {
      double frac = progress(step, o.vaeSteps(), secs(t0), o.vaeMinutes());
      if (frac >= 1) break;
      float lr = 2e-3f * (step < warm ? (step + 1f) / warm : (float) (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * frac))));
      opt.setLearningRate(lr);
      float[] x = images(o.world(), batch, data);
      float[] eps = new float[batch * 4 * 64];
      for (int i = 0; i < eps.length; i++) eps[i] = (float) gauss(data);
      try (NDManager s = m.newSubManager()) {
        NDArray xs = s.create(x, new Shape(batch, 3, 32, 32));
        NDArray noise = s.create(eps, new Shape(batch, 4, 8, 8));
        float lv;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          AutoencoderKL.LatentDist dist = vae.encode(xs);
          NDArray z = dist.mean().add(dist.std().mul(noise));
          NDArray rec = vae.decode(z);
          NDArray diff = rec.sub(xs);
          NDArray kl = Ops.mul(dist.mean().square().add(dist.std().square()).sub(1f).sub(dist.std().square().log()).mean(), 0.5f);
          NDArray loss = diff.square().mean().add(Ops.mul(diff.abs().mean(), 0.25f)).add(Ops.mul(kl, 1e-4f));
          gc.backward(loss);
          lv = diff.square().mean().getFloat();
        }
        opt.step();
        avg = step == 0 ? lv : 0.97 * avg + 0.03 * lv;
      }
      if ((step + 1) % 100 == 0) {
        log.accept(String.format(Locale.ROOT, "vae step %d  lr %.1e  mse %.5f  %.0f s", step + 1, lr, avg, secs(t0)));
      }
    }
  }

  /** 1 / std of the latent means over 512 fresh images. */
  static double latentScaling(AutoencoderKL vae, NDManager m, World w, long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5CA1EL);
    double s = 0;
    double s2 = 0;
    long n = 0;
    for (int b = 0; b < 8; b++) {
      try (NDManager sm = m.newSubManager()) {
        float[] v = vae.encode(sm.create(images(w, 64, r), new Shape(64, 3, 32, 32))).mean().toFloatArray();
        for (float f : v) {
          s += f;
          s2 += (double) f * f;
        }
        n += v.length;
      }
    }
    double mean = s / n;
    return 1.0 / Math.sqrt(s2 / n - mean * mean);
  }

  /** Every caption of every pair, and the empty prompt, through the frozen text encoder: [77, D] each. */
  static Map<String, NDArray> embeddings(ClipTextModel te, ClipTokenizer tok, NDManager m, World w, Wording wording) {
    java.util.Set<String> texts = new java.util.LinkedHashSet<>();
    texts.add("");
    for (int ob = 0; ob < w.numObjects(); ob++) {
      for (int s = 0; s < w.numStyles(); s++) {
        texts.addAll(wording.texts(w, ob, s));
      }
    }
    Map<String, NDArray> out = new HashMap<>();
    for (String t : texts) {
      NDArray h = te.forward(Conditioning.ids(m, tok, List.of(t))).lastHiddenState();
      out.put(t, h.get(0));
    }
    return out;
  }

  static double gauss(SplittableRandom r) {
    double u = Math.max(1e-12, r.nextDouble());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  static void trainUnet(Path dir, AutoencoderKL vae, float scaling, Map<String, NDArray> emb, NDManager m, Options o,
      Consumer<String> log, long tStart) {
    long t0 = System.nanoTime();
    int batch = o.batch();
    UNet2DConditionModel unet = new UNet2DConditionModel(UNet2DConditionConfig.read(dir.resolve("unet/config.json")));
    ParamInit.init(unet, m, o.seed() + 2);
    log.accept(String.format(Locale.ROOT, "unet: %,d parameters, %d ff.net.2 layers", unet.parameterCount(), unet.ffn2Layers().size()));
    float peak = (float) o.lr();
    AdamW opt = new AdamW(unet.parameters(), peak, 0.9f, 0.99f, 1e-8f, 0.01f, null).clipGradNorm(1f);
    Ema ema = new Ema(unet, 0.998f);
    double[] ac = ToyDesign.alphasCumprod();
    List<int[]> pairs = o.world().trainingPairs();
    SplittableRandom data = new SplittableRandom(o.seed() ^ 0xD1FFL);
    int warm = 100;
    double avg = 0;
    double lastSave = 0;
    int step = 0;
    for (; ; step++) {
      double el = secs(t0);
      double frac = progress(step, o.unetSteps(), el, o.unetMinutes());
      if (frac >= 1) break;
      float lr = peak * (step < warm ? (step + 1f) / warm : (float) (0.03 + 0.97 * 0.5 * (1 + Math.cos(Math.PI * frac))));
      opt.setLearningRate(lr);
      int[] ob = new int[batch];
      int[] st = new int[batch];
      List<String> caps = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        int[] p = pairs.get(data.nextInt(pairs.size()));
        ob[i] = p[0];
        st[i] = p[1];
        caps.add(data.nextDouble() < 0.1 ? "" : o.wording().trainingCaption(o.world(), p[0], p[1], data));
      }
      float[] x = ToyRenderer.renderBatch(o.world(), ob, st, data);
      for (int i = 0; i < x.length; i++) x[i] = 2 * x[i] - 1;
      int per = 4 * 64;
      float[] eps = new float[batch * per];
      float[] lat = new float[batch * per];
      for (int i = 0; i < eps.length; i++) {
        eps[i] = (float) gauss(data);
        lat[i] = (float) gauss(data);
      }
      float[] sa = new float[batch];
      float[] sb = new float[batch];
      float[] w = new float[batch];
      float[] ts = new float[batch];
      for (int i = 0; i < batch; i++) {
        int t = data.nextInt(1000);
        ts[i] = t;
        sa[i] = (float) Math.sqrt(ac[t]);
        sb[i] = (float) Math.sqrt(1 - ac[t]);
        w[i] = (float) o.lossWeight().at(ac[t] / (1 - ac[t]));
      }
      float lv;
      try (NDManager s = m.newSubManager()) {
        NDArray x0;
        try (NDManager e = s.newSubManager()) {
          AutoencoderKL.LatentDist d = vae.encode(e.create(x, new Shape(batch, 3, 32, 32)));
          NDArray z = Ops.mul(d.mean().add(d.std().mul(e.create(lat, new Shape(batch, 4, 8, 8)))), scaling);
          x0 = z.duplicate();
          x0.attach(s);
        }
        NDArray n = s.create(eps, new Shape(batch, 4, 8, 8));
        NDArray a = s.create(sa, new Shape(batch, 1, 1, 1));
        NDArray b = s.create(sb, new Shape(batch, 1, 1, 1));
        NDArray xt = x0.mul(a).add(n.mul(b));
        NDArray v = n.mul(a).sub(x0.mul(b));
        NDArray[] ctxs = new NDArray[batch];
        for (int i = 0; i < batch; i++) ctxs[i] = emb.get(caps.get(i));
        NDArray ctx = ai.djl.ndarray.NDArrays.stack(new ai.djl.ndarray.NDList(ctxs), 0);
        ctx.attach(s);
        NDArray tArr = s.create(ts, new Shape(batch));
        NDArray wArr = s.create(w, new Shape(batch, 1, 1, 1));
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray pred = unet.forward(xt, tArr, ctx, null);
          NDArray loss = pred.sub(v).square().mul(wArr).mean();
          gc.backward(loss);
          lv = loss.getFloat();
        }
        opt.step();
        ema.update();
      }
      avg = step == 0 ? lv : 0.98 * avg + 0.02 * lv;
      if ((step + 1) % 50 == 0) {
        log.accept(String.format(Locale.ROOT, "unet step %d  lr %.1e  loss %.4f  |g| %.2f  %.0f s (%.2f s/step)",
            step + 1, lr, avg, opt.lastGradNorm(), el, el / (step + 1)));
      }
      if (el - lastSave > 300) {
        lastSave = el;
        saveUnet(unet, ema, dir, step + 1, o, tStart);
        log.accept("saved EMA UNet at step " + (step + 1));
      }
    }
    saveUnet(unet, ema, dir, step, o, tStart);
    log.accept(String.format(Locale.ROOT, "done: %d UNet steps, %.0f s in all -> %s", step, secs(tStart), dir));
  }

  static void saveUnet(UNet2DConditionModel unet, Ema ema, Path dir, int steps, Options o, long tStart) {
    ema.swap();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("toy_steps", Integer.toString(steps));
    meta.put("toy_seed", Long.toString(o.seed()));
    meta.put("toy_seconds", String.format(Locale.ROOT, "%.0f", secs(tStart)));
    // libtorch's reduction order may differ with the thread count: a bit-for-bit rerun uses the same
    meta.put("toy_threads", Integer.toString(TorchRuntime.threads()));
    meta.put("toy_design", describe(o));
    meta.put("toy_world", o.world().name());
    meta.put("toy_captions", o.wording().name().toLowerCase(Locale.ROOT));
    Checkpoints.save(unet, dir.resolve(UNET_FILE), meta);
    ema.swap();
  }
}
