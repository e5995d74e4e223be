package org.conceptprune.toy.clip;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.conceptprune.model.clip.ClipModel;
import org.conceptprune.model.clip.ClipTextConfig;
import org.conceptprune.model.clip.ClipTokenizer;
import org.conceptprune.model.clip.ClipVisionConfig;
import org.conceptprune.nn.Ops;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.toy.Caption;
import org.conceptprune.toy.ToyRenderer;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.World;
import org.conceptprune.toy.train.AdamW;
import org.conceptprune.toy.train.Checkpoints;
import org.conceptprune.toy.train.ParamInit;

/**
 * Trains the toy CLIP in Java: both towers from a seeded init, on fresh renders of the toy world's
 * training pairs (held-out pairs never seen) with a random caption each, under the contrastive loss
 * of {@link ContrastiveLoss}; AdamW with warm-up and cosine decay; a learnable temperature as CLIP's
 * (exp(logit_scale) capped at 100). The result is a transformers CLIPModel folder.
 */
public final class ToyClipTrainer {
  private ToyClipTrainer() {}

  /** What to train: a fixed number of steps, so the same seed gives the same run on any machine. */
  public record Options(Path out, long seed, int steps, int batch, double lr, ToyClipDesign design, World world) {
    /** In the classic world. */
    Options(Path out, long seed, int steps, int batch, double lr, ToyClipDesign design) {
      this(out, seed, steps, batch, lr, design, World.classic());
    }
  }

  public static final String WEIGHTS = "model.safetensors";
  /** CLIP's cap on exp(logit_scale). */
  static final float MAX_SCALE = 100f;

  public static ToyClipEval.Report train(Options o, Consumer<String> log) {
    long t0 = System.nanoTime();
    Path dir = o.out();
    o.design().writeConfigs(dir);
    ToyModel.writeWorld(dir, o.world());
    Path cfg = dir.resolve("config.json");
    ClipModel clip = new ClipModel(ClipTextConfig.read(cfg), ClipVisionConfig.read(cfg));
    ClipTokenizer tok = ClipTokenizer.load(dir);
    try (NDManager m = TorchRuntime.newManager()) {
      ParamInit.init(clip, m, o.seed());
      ParamInit.constant(clip.logitScale(), m, (float) Math.log(1 / 0.07));
      log.accept(String.format(Locale.ROOT, "toy CLIP: %,d parameters; %d steps of batch %d, lr %.1e; world %s",
          clip.parameterCount(), o.steps(), o.batch(), o.lr(), o.world().name()));
      AdamW opt = new AdamW(clip.parameters(), (float) o.lr(), 0.9f, 0.98f, 1e-6f, 0.1f, null).clipGradNorm(1f);
      List<int[]> pairs = o.world().trainingPairs();
      SplittableRandom data = new SplittableRandom(o.seed() ^ 0xC11BL);
      int warm = Math.min(100, o.steps() / 10);
      double avg = 0;
      for (int step = 0; step < o.steps(); step++) {
        float lr = (float) (o.lr() * learningRateFactor(step, o.steps(), warm));
        opt.setLearningRate(lr);
        Batch b = Batch.draw(o.world(), pairs, o.batch(), data);
        float lv;
        try (NDManager s = m.newSubManager()) {
          NDArray pixels = s.create(pixelValues(b.images()), new Shape(o.batch(), 3, ToyClipDesign.IMAGE, ToyClipDesign.IMAGE));
          NDArray ids = b.ids(tok, s);
          NDArray fits = s.create(b.fits(), new Shape(o.batch(), o.batch()));
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray logits = logits(clip, pixels, ids);
            NDArray loss = ContrastiveLoss.loss(logits, fits);
            gc.backward(loss);
            lv = loss.getFloat();
          }
          if (!opt.step()) {
            log.accept("clip step " + (step + 1) + ": gradient not finite (loss " + lv + ") in " + opt.lastNonFinite()
                + "; step skipped");
          }
        }
        if (Float.isFinite(lv)) avg = avg == 0 ? lv : 0.98 * avg + 0.02 * lv;
        if ((step + 1) % 100 == 0 || step + 1 == o.steps()) {
          log.accept(String.format(Locale.ROOT, "clip step %d  lr %.1e  loss %.4f  scale %.1f  skipped %d  %.0f s", step + 1,
              lr, avg, Math.min(MAX_SCALE, clip.logitScaleExp()), opt.skipped(), secs(t0)));
        }
      }
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("format", "pt");
      meta.put("toy_clip_steps", Integer.toString(o.steps()));
      meta.put("toy_clip_seed", Long.toString(o.seed()));
      meta.put("toy_clip_batch", Integer.toString(o.batch()));
      meta.put("toy_world", o.world().name());
      Checkpoints.save(clip, dir.resolve(WEIGHTS), meta);
      log.accept(String.format(Locale.ROOT, "toy CLIP saved to %s (%.0f s)", dir, secs(t0)));
    }
    return ToyClipEval.run(dir, o.seed() + 1000, 4, log);
  }

  /** Linear warm-up over warm steps, then cosine from 1 to 0.02. */
  static double learningRateFactor(int step, int steps, int warm) {
    if (step < warm) return (step + 1.0) / warm;
    double frac = (double) (step - warm) / Math.max(1, steps - warm);
    return 0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * frac));
  }

  /** scale * cos(image, caption): [B images, B captions]. */
  static NDArray logits(ClipModel clip, NDArray pixels, NDArray ids) {
    NDArray img = normalize(clip.imageFeatures(pixels));
    NDArray txt = normalize(clip.textFeatures(ids, null));
    NDArray scale = Ops.minimum(clip.logitScale().value().exp(), MAX_SCALE);
    return img.matMul(txt.transpose()).mul(scale);
  }

  static NDArray normalize(NDArray x) {
    return x.div(x.square().sum(new int[] {1}, true).sqrt());
  }

  /**
   * CLIP's pixel_values of renders in [0, 1] (NCHW): rounded to 8 bits, as a saved PNG is, then
   * normalised with CLIP's mean and std, so training sees what the preprocessor gives a PNG.
   */
  static float[] pixelValues(float[] renders) {
    int plane = ToyClipDesign.IMAGE * ToyClipDesign.IMAGE;
    float[] out = new float[renders.length];
    for (int i = 0; i < renders.length; i++) {
      int c = (i / plane) % 3;
      float u8 = Math.round(Math.max(0f, Math.min(1f, renders[i])) * 255f);
      out[i] = (float) ((u8 / 255.0 - ToyClipDesign.MEAN[c]) / ToyClipDesign.STD[c]);
    }
    return out;
  }

  /** One training batch: pairs, their renders and captions. */
  record Batch(int[] objects, int[] styles, List<Caption> captions, float[] images) {
    static Batch draw(World w, List<int[]> pairs, int n, SplittableRandom r) {
      int[] ob = new int[n];
      int[] st = new int[n];
      List<Caption> caps = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int[] p = pairs.get(r.nextInt(pairs.size()));
        ob[i] = p[0];
        st[i] = p[1];
        caps.add(w.randomCaption(p[0], p[1], r));
      }
      return new Batch(ob, st, caps, ToyRenderer.renderBatch(w, ob, st, r));
    }

    /**
     * The captions' token ids [B, len], cut after the longest caption's end-of-text token: under the
     * causal mask the pooled token of each caption is the same as with all 77 positions.
     */
    NDArray ids(ClipTokenizer tok, NDManager m) {
      long[][] enc = new long[captions.size()][];
      int len = 1;
      for (int i = 0; i < enc.length; i++) {
        enc[i] = tok.encode(captions.get(i).text()).ids();
        len = Math.max(len, eosIndex(enc[i], tok.eosId()) + 1);
      }
      long[] out = new long[enc.length * len];
      for (int i = 0; i < enc.length; i++) System.arraycopy(enc[i], 0, out, i * len, len);
      return m.create(out, new Shape(enc.length, len));
    }

    float[] fits() {
      int n = objects.length;
      float[] f = new float[n * n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) f[i * n + j] = ContrastiveLoss.fits(captions.get(j), objects[i], styles[i]) ? 1f : 0f;
      }
      return f;
    }
  }

  static int eosIndex(long[] ids, int eos) {
    for (int i = 0; i < ids.length; i++) if (ids[i] == eos) return i;
    return ids.length - 1;
  }

  static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
