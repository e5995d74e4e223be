package org.conceptprune.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TextToImage;
import org.conceptprune.prune.ActivationStats;
import org.conceptprune.prune.Aggregation;
import org.conceptprune.prune.ConceptFamily;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ProbeSite;
import org.conceptprune.prune.PruneJob;
import org.conceptprune.prune.PruneStats;
import org.conceptprune.prune.StatsSettings;
import org.conceptprune.prune.Variant;
import org.conceptprune.prune.WeightSource;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.util.Progress;
import org.conceptprune.util.ProgressListener;

/** The ConceptPrune benchmarks of {@code bench}: calibration cost and mask derivation time. */
final class BenchExtras {
  private BenchExtras() {}

  /** Statistics pass (t̂ = 10 of PNDM-50) vs full 50-step sampling of the same prompts: calls and wall time. */
  static void calibration(Path model, Path config, int pairs, int size, ObjectNode r, PrintWriter out) {
    try (ModelSource src = ModelSource.open(model, config); StableDiffusion sd = StableDiffusion.load(src)) {
      List<String> things = ConceptFamily.ART_STYLE.shipped().subList(0, Math.min(pairs, 20));
      ConceptFamily.Prompts prompts = ConceptFamily.ART_STYLE.prompts("Van Gogh", things);
      StatsSettings s = new StatsSettings(ProbeSite.FFN2, Aggregation.TOKENNORM, 10, SchedulerKind.PNDM, 50, 7.5, 0, false, size, size);
      // Warm-up (JIT, allocator), untimed: one pair, one call.
      ActivationStats.collect(sd, new ConceptFamily.Prompts(prompts.target().subList(0, 1), prompts.reference().subList(0, 1)),
          new StatsSettings(ProbeSite.FFN2, Aggregation.TOKENNORM, 1, SchedulerKind.PNDM, 50, 7.5, 0, false, size, size), null,
          new Progress("warm-up", 1, ProgressListener.SILENT));
      long t0 = System.nanoTime();
      ActivationStats.Result stats = ActivationStats.collect(sd, prompts, s, null,
          new Progress("calibration t̂=10", (long) pairs * 10, ProgressListener.printing(out)));
      double statsSecs = (System.nanoTime() - t0) / 1e9;
      int[] fullCalls = {0};
      t0 = System.nanoTime();
      for (int i = 0; i < things.size(); i++) {
        var req = new TextToImage.Request(List.of(prompts.target().get(i), prompts.reference().get(i)), null, 50, 7.5,
            SchedulerKind.PNDM, size, size, 0, null, true);
        TextToImage.run(sd, req, new TextToImage.Listener() {
          @Override
          public boolean afterCall(int call, float[] l, float[] u) {
            fullCalls[0]++;
            return true;
          }
        });
      }
      double fullSecs = (System.nanoTime() - t0) / 1e9;
      ObjectNode c = r.putObject("calibration");
      c.put("pairs", things.size());
      c.put("stats_unet_calls", stats.unetCalls());
      c.put("stats_seconds", statsSecs);
      c.put("full_unet_calls", fullCalls[0]);
      c.put("full_seconds", fullSecs);
      c.put("wall_ratio", fullSecs / statsSecs);
      out.printf("calibration, %d pairs: statistics %d UNet calls in %.1f s; full 50-step sampling %d calls in %.1f s; ratio %.2fx%n",
          things.size(), stats.unetCalls(), statsSecs, fullCalls[0], fullSecs, fullSecs / statsSecs);
    }
  }

  /** Masks for a new k from statistics (synthetic, t̂ = 10) on the model's own ff.net.2 weights. */
  static void masks(Path model, Path config, ObjectNode r, PrintWriter out) {
    try (ModelSource src = ModelSource.open(model, config); PruneJob job = new PruneJob(src, ProgressListener.printing(out))) {
      WeightSource w = job.weights(Component.UNET);
      PruneStats stats = new PruneStats();
      SplittableRandom rnd = new SplittableRandom(1);
      for (var e : src.weights(Component.UNET).tensors().entrySet()) {
        if (!e.getKey().endsWith("ff.net.2.weight")) continue;
        String layer = e.getKey().substring(0, e.getKey().length() - ".weight".length());
        int in = (int) e.getValue().shape()[1];
        float[] t = new float[10 * in];
        float[] b = new float[10 * in];
        for (int i = 0; i < t.length; i++) {
          t[i] = (float) rnd.nextDouble();
          b[i] = (float) rnd.nextDouble();
        }
        stats.put(layer, new PruneStats.Layer(10, in, t, b));
      }
      // Weights are read once (as a cache would hold them), then masks derived for two values of k.
      var cached = new java.util.HashMap<String, org.conceptprune.prune.LayerWeight>();
      for (String l : stats.layers()) cached.put(l, w.weight(l));
      WeightSource mem = cached::get;
      double best = Double.MAX_VALUE;
      long pruned = 0;
      for (double k : new double[] {0.02, 0.01, 0.02}) {
        long t0 = System.nanoTime();
        MaskSet m = stats.maskFor(mem, k, 10, 0, Variant.SKILLED);
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        pruned = m.overall().pruned();
      }
      long t0 = System.nanoTime();
      for (String l : stats.layers()) w.weight(l);
      double read = (System.nanoTime() - t0) / 1e9;
      ObjectNode o = r.putObject("masks");
      o.put("layers", stats.layers().size());
      o.put("derive_seconds", best);
      o.put("read_weights_seconds", read);
      o.put("pruned_weights_k002", pruned);
      out.printf("masks from cached statistics (%d layers, t̂=10): %.3f s per k (+ %.2f s to read the weights)%n",
          stats.layers().size(), best, read);
    }
  }
}
