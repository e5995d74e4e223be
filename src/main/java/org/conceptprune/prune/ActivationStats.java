package org.conceptprune.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TextToImage;
import org.conceptprune.util.Progress;
import org.conceptprune.util.UserError;

/**
 * The statistics pass (ALGORITHM.md §3): for each pair i, the target and reference prompts run as
 * one batch from the same initial latent; a probe on every selected Linear adds, per UNet call t and
 * per prompt, the column sums of squares of its input rows (both guidance halves pooled, token-norm
 * or raw) into float64 accumulators keyed by (layer, t). The sampler stops after call t̂-1. With
 * per-prompt recording (FIA) each prompt's own sums are kept too; with several latent seeds every pair
 * runs once per latent (run r = n·pairs + i).
 */
public final class ActivationStats {
  private ActivationStats() {}

  /** What the pass made: statistics and the work it took. */
  public record Result(PruneStats stats, int unetCalls, int pairs, double seconds) {}

  /** The Linear layers a site probes, by module path, in execution order. */
  public static Map<String, Linear> layers(StableDiffusion sd, ProbeSite site) {
    Map<String, Linear> out = new LinkedHashMap<>();
    Module root = site.inUnet ? sd.unet : sd.textEncoder;
    root.modules().forEach((path, m) -> {
      if (path.endsWith(site.suffix) && m instanceof Linear l) out.put(path, l);
    });
    if (out.isEmpty()) {
      throw new UserError("the model has no layers for probe site " + site.cliName + " (*" + site.suffix + ")");
    }
    return out;
  }

  /**
   * @param latents initial latents: [M, C, h, w] one per pair, [1, C, h, w] for all, or null (seeds)
   */
  public static Result collect(StableDiffusion sd, ConceptFamily.Prompts prompts, StatsSettings s, float[] latents,
      Progress progress) {
    return collect(sd, prompts, s, latents, progress, null);
  }

  /**
   * As above, saving the float64 sums after every pair to {@code partial} (when not null) and resuming
   * from it: an interrupted pass continues where it stopped. The file is deleted once the pass ends.
   */
  public static Result collect(StableDiffusion sd, ConceptFamily.Prompts prompts, StatsSettings s, float[] latents,
      Progress progress, Path partial) {
    long start = System.nanoTime();
    int pairs = prompts.target().size();
    int runs = pairs * s.latentSeeds(); // run r = n * pairs + i: pair i from latent n
    Map<String, Linear> layers = layers(sd, s.site());
    int calls = s.site().inUnet ? s.timesteps() : 1;
    Map<String, double[][]> target = new LinkedHashMap<>(); // layer -> [calls][in]
    Map<String, double[][]> reference = new LinkedHashMap<>();
    Map<String, float[][]> promptTarget = new LinkedHashMap<>(); // layer -> [runs][calls * in], when per prompt
    Map<String, float[][]> promptReference = new LinkedHashMap<>();
    layers.forEach((k, l) -> {
      target.put(k, new double[calls][l.in]);
      reference.put(k, new double[calls][l.in]);
      if (s.perPrompt()) {
        promptTarget.put(k, new float[runs][calls * l.in]);
        promptReference.put(k, new float[runs][calls * l.in]);
      }
    });
    PartialStats.Sums sums = new PartialStats.Sums(target, reference, promptTarget, promptReference);
    int[] current = {0, 0}; // call, run
    int[] unetCalls = {0};
    int firstRun = partial == null ? 0 : PartialStats.resume(partial, sums, unetCalls);
    if (firstRun > 0) {
      progress.advance((long) firstRun * (s.site().inUnet ? s.timesteps() : 1));
    }
    layers.forEach((key, l) -> l.setProbe(x -> {
      if (current[0] >= calls) return;
      float[] sq = columnSumsOfSquares(x, s.aggregation()); // [B, in]
      int b = sq.length / l.in;
      // batch rows: [uncond target, uncond reference, cond target, cond reference] with guidance
      for (int row = 0; row < b; row++) {
        boolean isTarget = row % 2 == 0;
        double[] acc = (isTarget ? target : reference).get(key)[current[0]];
        for (int j = 0; j < l.in; j++) acc[j] += sq[row * l.in + j];
        if (!s.perPrompt()) continue;
        float[] pp = (isTarget ? promptTarget : promptReference).get(key)[current[1]];
        for (int j = 0, off = current[0] * l.in; j < l.in; j++) pp[off + j] += sq[row * l.in + j];
      }
    }));
    try {
      int per = latentSize(sd, s);
      for (int r = firstRun; r < runs; r++) {
        if (partial != null && r > firstRun) PartialStats.save(partial, r, sums, unetCalls[0]);
        int i = r % pairs;
        current[1] = r;
        var req = request(prompts, i, s, pairLatent(latents, i, r / pairs, pairs, per, s));
        if (!s.site().inUnet) {
          // The text encoder runs once per prompt: record it, skip the sampler.
          current[0] = 0;
          runTextOnly(sd, req);
          progress.advance(1);
          continue;
        }
        TextToImage.run(sd, req, new TextToImage.Listener() {
          @Override
          public void beforeCall(int call, int total) {
            if (s.timesteps() > total) {
              throw new UserError("t̂ = " + s.timesteps() + " is larger than the " + total
                  + " UNet calls the sampler makes with " + s.steps() + " steps");
            }
            current[0] = call;
          }

          @Override
          public boolean afterCall(int call, float[] l, float[] u) {
            unetCalls[0]++;
            progress.step();
            return call + 1 < s.timesteps();
          }
        });
      }
    } finally {
      layers.values().forEach(l -> l.setProbe(null));
    }
    if (partial != null) PartialStats.delete(partial);
    PruneStats stats = new PruneStats();
    for (String k : layers.keySet()) {
      int in = layers.get(k).in;
      stats.put(k, new PruneStats.Layer(calls, in, flatten(target.get(k), in), flatten(reference.get(k), in)));
      if (s.perPrompt()) {
        stats.putPerPrompt(k, new PruneStats.PerPrompt(runs, calls, in, PartialStats.concat(promptTarget.get(k)), PartialStats.concat(promptReference.get(k))));
      }
    }
    return new Result(stats, unetCalls[0], pairs, (System.nanoTime() - start) / 1e9);
  }

  /** Pair i's sampler request: target and reference prompts as one batch from the pair's latent. */
  private static TextToImage.Request request(ConceptFamily.Prompts prompts, int i, StatsSettings s, float[] init) {
    return new TextToImage.Request(List.of(prompts.target().get(i), prompts.reference().get(i)), null,
        s.steps(), s.guidance(), s.scheduler(), s.width(), s.height(), 0, init, false);
  }

  /**
   * Every batch of prompt strings the pass over the UNet conditions on, for {@link
   * StableDiffusion#loadUnetForStatistics} (the text encoder is freed before the UNet is loaded).
   */
  public static List<List<String>> promptBatches(ConceptFamily.Prompts prompts, StatsSettings s) {
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < prompts.target().size(); i++) out.addAll(TextToImage.promptBatches(request(prompts, i, s, null)));
    return out;
  }

  /**
   * Per batch row b and column j: Σ_tokens (a[j] / max(||a||, 1e-12))^2 (token-norm) or Σ a[j]^2.
   * Computed in native fp32; the caller accumulates in float64.
   *
   * @param x [B, T, in] (or [B, in]); @return [B * in]
   */
  static float[] columnSumsOfSquares(NDArray x, Aggregation agg) {
    long b = x.getShape().get(0);
    long in = x.getShape().get(x.getShape().dimension() - 1);
    // The temporaries ([B, T, in] each, 84 MB at SD-1.5's 64x64 level in fp32) are freed here, not
    // when the block's scope ends.
    NDManager parent = x.getManager();
    try (NDManager sub = parent.newSubManager()) {
      x.tempAttach(sub);
      NDArray rows = x.toType(DataType.FLOAT32, false).reshape(b, -1, in); // [B, T, in]
      if (agg == Aggregation.TOKENNORM) {
        NDArray norm = Ops.maximum(rows.norm(new int[] {2}, true), 1e-12f); // [B, T, 1]
        rows = rows.div(norm);
      }
      return rows.square().sum(new int[] {1}).toFloatArray();
    }
  }

  private static void runTextOnly(StableDiffusion sd, TextToImage.Request req) {
    try (var m = sd.manager.newSubManager()) {
      var ids = org.conceptprune.pipeline.Conditioning.ids(m, sd.tokenizer, req.prompts());
      sd.textEncoder.forward(ids);
    }
  }

  static int latentSize(StableDiffusion sd, StatsSettings s) {
    int scale = sd.vae.config.scaleFactor();
    int h = (s.height() > 0 ? s.height() : sd.unet.config.sampleSize() * scale) / scale;
    int w = (s.width() > 0 ? s.width() : sd.unet.config.sampleSize() * scale) / scale;
    return sd.unet.config.inChannels() * h * w;
  }

  /**
   * Pair i's initial latent from latent draw n: seed (+ i with seed-per-pair) + n·pairs... or the given
   * latents; with --latents only n = 0 exists.
   */
  static float[] pairLatent(float[] latents, int i, int n, int pairs, int per, StatsSettings s) {
    if (latents == null) {
      long seed = (s.seedPerPair() ? s.seed() + i : s.seed()) + (long) n * (s.seedPerPair() ? pairs : 1);
      return org.conceptprune.pipeline.TorchRandom.randn(seed, per);
    }
    if (n > 0) throw new UserError("--latent-seeds > 1 draws its own latents; it cannot be combined with --latents");
    if (latents.length == per) return latents;
    if (latents.length == (long) pairs * per) return java.util.Arrays.copyOfRange(latents, i * per, (i + 1) * per);
    throw new UserError("--latents holds " + latents.length + " values; expected " + per + " ([1,C,h,w]) or "
        + (long) pairs * per + " ([" + pairs + ",C,h,w], one per pair)");
  }

  private static float[] flatten(double[][] a, int in) {
    float[] out = new float[a.length * in];
    for (int t = 0; t < a.length; t++) for (int j = 0; j < in; j++) out[t * in + j] = (float) a[t][j];
    return out;
  }

}
