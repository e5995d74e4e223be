package org.conceptprune.toy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.toy.train.AdamW;
import org.conceptprune.toy.train.Ema;
import org.conceptprune.toy.train.Grads;
import org.conceptprune.toy.train.Losses;
import org.conceptprune.toy.train.ParamInit;

/**
 * Trains the toy world's judge on fresh renders (all (object, style) pairs, held-out ones included:
 * the judge must recognise whatever a generator draws), with mild noise/blur/contrast augmentation
 * so that it tolerates imperfect generated images. AdamW + cosine schedule + EMA; the EMA weights
 * are saved when they score at least as well as the live ones.
 *
 * <p>Usage: {@code TrainJudge OUT_DIR [SEED=1] [MINUTES=5] [STEPS]}. Without STEPS the step count is
 * set from the time budget after timing the first steps (then the run depends on machine speed);
 * with STEPS the run is deterministic given the seed.
 */
public final class TrainJudge {
  private TrainJudge() {}

  /** What a run gives: the trained judge's scores and the cost. */
  public record Report(int steps, double seconds, double objectAcc, double styleAcc, double heldOutObjectAcc,
      double heldOutStyleAcc, boolean ema, long parameters) {}

  public static final int BATCH = 64;

  /** Trains a judge of the world's objects and styles and saves it to out. */
  public static Report train(World w, Path out, long seed, double minutes, int fixedSteps,
      java.util.function.Consumer<String> log) {
    long t0 = System.nanoTime();
    double budget = minutes * 60;
    JudgeNet.Config cfg = JudgeNet.Config.defaults(w);
    JudgeNet net = new JudgeNet(cfg);
    try (NDManager m = TorchRuntime.newManager()) {
      log.accept("runtime: " + TorchRuntime.describe() + "; world " + w);
      ParamInit.init(net, m, seed);
      AdamW opt = new AdamW(net.parameters(), 3e-3f, 0.9f, 0.99f, 1e-8f, 0.05f, null).clipGradNorm(2f);
      Ema ema = new Ema(net, 0.995f);
      SplittableRandom data = new SplittableRandom(seed ^ 0x5DEECE66DL);
      int total = fixedSteps > 0 ? fixedSteps : 100_000;
      int warmup = 100;
      double lossAvg = 0;
      double accO = 0;
      double accS = 0;
      int step = 0;
      long tWarm = t0;
      double warmupSeconds = 0;
      for (; step < total; step++) {
        if (fixedSteps == 0 && step == 20) tWarm = System.nanoTime();
        if (fixedSteps == 0 && step == 60) {
          double per = (System.nanoTime() - tWarm) / 1e9 / 40;
          double left = budget - (System.nanoTime() - t0) / 1e9;
          total = 60 + (int) Math.max(100, Math.min(20_000, (left * 0.92) / per));
          log.accept(String.format(Locale.ROOT, "%.3f s/step -> %d steps for a %.1f min budget", per, total, minutes));
        }
        // progress through the schedule: by steps, or (with a time budget) by whichever of steps and
        // time runs out first, so that a slowed-down run still anneals its learning rate
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double frac = (double) (step - warmup) / Math.max(1, total - warmup);
        if (fixedSteps == 0) frac = Math.max(frac, (elapsed - warmupSeconds) / Math.max(1, budget * 0.97 - warmupSeconds));
        if (step >= warmup && frac >= 1) break;
        float lr = 3e-3f * (step < warmup ? (step + 1f) / warmup
            : (float) (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, frac)))));
        opt.setLearningRate(lr);
        int[] objs = new int[BATCH];
        int[] stys = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
          objs[i] = data.nextInt(w.numObjects());
          stys[i] = data.nextInt(w.numStyles());
        }
        float[] imgs = ToyRenderer.renderBatch(w, objs, stys, data);
        augment(imgs, BATCH, data);
        try (NDManager sm = m.newSubManager()) {
          NDArray x = sm.create(imgs, new Shape(BATCH, 3, ToyWorld.SIZE, ToyWorld.SIZE));
          float lossV;
          int[] po;
          int[] ps;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList o = net.forward(x);
            NDArray loss = Losses.crossEntropy(o.get(0), objs).add(Losses.crossEntropy(o.get(1), stys));
            gc.backward(loss);
            lossV = loss.getFloat();
            po = Losses.argmax(o.get(0));
            ps = Losses.argmax(o.get(1));
          }
          opt.step();
          ema.update();
          lossAvg = step == 0 ? lossV : 0.98 * lossAvg + 0.02 * lossV;
          accO = 0.98 * accO + 0.02 * agree(po, objs);
          accS = 0.98 * accS + 0.02 * agree(ps, stys);
        }
        if ((step + 1) % 200 == 0) {
          log.accept(String.format(Locale.ROOT, "step %5d/%d  lr %.2e  loss %.4f  train acc object %.3f style %.3f  |g| %.2f  %.0f s",
              step + 1, total, lr, lossAvg, accO, accS, opt.lastGradNorm(), (System.nanoTime() - t0) / 1e9));
        }
        if (step + 1 == warmup) warmupSeconds = (System.nanoTime() - t0) / 1e9;
      }
      Grads.noGrad(net);
      double seconds = (System.nanoTime() - t0) / 1e9;
      // evaluation on fresh renders: 2048 over all pairs, 512 over held-out pairs only
      double[] live = evaluate(w, net, m, seed + 1000, 2048, false);
      double[] liveH = evaluate(w, net, m, seed + 2000, 512, true);
      ema.swap();
      double[] avg = evaluate(w, net, m, seed + 1000, 2048, false);
      double[] avgH = evaluate(w, net, m, seed + 2000, 512, true);
      boolean useEma = avg[0] + avg[1] >= live[0] + live[1];
      if (!useEma) ema.swap();
      double[] a = useEma ? avg : live;
      double[] h = useEma ? avgH : liveH;
      log.accept(String.format(Locale.ROOT, "eval live: object %.4f style %.4f (held-out %.4f %.4f); EMA: object %.4f style %.4f (held-out %.4f %.4f)",
          live[0], live[1], liveH[0], liveH[1], avg[0], avg[1], avgH[0], avgH[1]));
      Map<String, Object> rec = new LinkedHashMap<>();
      rec.put("seed", seed);
      rec.put("steps", step);
      rec.put("batch", BATCH);
      rec.put("seconds", Math.round(seconds * 10) / 10.0);
      rec.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
      rec.put("weights", useEma ? "ema" : "live");
      rec.put("eval_object_accuracy", a[0]);
      rec.put("eval_style_accuracy", a[1]);
      rec.put("eval_heldout_object_accuracy", h[0]);
      rec.put("eval_heldout_style_accuracy", h[1]);
      rec.put("eval_renders", List.of(2048, 512));
      ToyJudge.save(net, ToyJudge.configOf(w, cfg, rec), out);
      return new Report(step, seconds, a[0], a[1], h[0], h[1], useEma, net.parameterCount());
    }
  }

  private static double agree(int[] a, int[] b) {
    int k = 0;
    for (int i = 0; i < a.length; i++) if (a[i] == b[i]) k++;
    return (double) k / a.length;
  }

  /** Accuracy (object, style) of the net on n fresh renders of the world (uniform pairs, or held-out pairs only). */
  public static double[] evaluate(World w, JudgeNet net, NDManager m, long seed, int n, boolean heldOutOnly) {
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> held = w.heldOutPairs();
    int[] objs = new int[n];
    int[] stys = new int[n];
    for (int i = 0; i < n; i++) {
      if (heldOutOnly) {
        int[] p = held.get(r.nextInt(held.size()));
        objs[i] = p[0];
        stys[i] = p[1];
      } else {
        objs[i] = r.nextInt(w.numObjects());
        stys[i] = r.nextInt(w.numStyles());
      }
    }
    float[] imgs = ToyRenderer.renderBatch(w, objs, stys, r);
    ToyJudge j = new ToyJudge(m, net, ToyJudge.configOf(w, net.config(), Map.of()));
    ToyJudge.Result res = j.classify(imgs, n); // not closed: the manager is the caller's
    return new double[] {agree(res.object(), objs), agree(res.style(), stys)};
  }

  /**
   * Mild augmentation: contrast/brightness jitter, a light blur on some images, Gaussian pixel noise
   * of a random strength; clamped to [0,1].
   */
  public static void augment(float[] imgs, int n, SplittableRandom r) {
    int hw = ToyWorld.SIZE * ToyWorld.SIZE;
    int s = ToyWorld.SIZE;
    float[] tmp = new float[hw];
    for (int i = 0; i < n; i++) {
      int off = i * ToyWorld.PIXELS;
      float c = (float) (0.9 + 0.2 * r.nextDouble());
      float b = (float) (-0.04 + 0.08 * r.nextDouble());
      boolean blur = r.nextDouble() < 0.3;
      float alpha = (float) (0.3 + 0.7 * r.nextDouble());
      float sigma = (float) (0.05 * r.nextDouble());
      for (int ch = 0; ch < 3; ch++) {
        int o = off + ch * hw;
        if (blur) {
          for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
              float acc = 0;
              float wsum = 0;
              for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                  int yy = y + dy;
                  int xx = x + dx;
                  if (yy < 0 || yy >= s || xx < 0 || xx >= s) continue;
                  float w = (dx == 0 ? 2 : 1) * (dy == 0 ? 2 : 1);
                  acc += w * imgs[o + yy * s + xx];
                  wsum += w;
                }
              }
              tmp[y * s + x] = acc / wsum;
            }
          }
          for (int k = 0; k < hw; k++) imgs[o + k] = (1 - alpha) * imgs[o + k] + alpha * tmp[k];
        }
        for (int k = 0; k < hw; k++) {
          float v = (imgs[o + k] - 0.5f) * c + 0.5f + b + sigma * (float) gaussian(r);
          imgs[o + k] = Math.max(0f, Math.min(1f, v));
        }
      }
    }
  }

  private static double gaussian(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
