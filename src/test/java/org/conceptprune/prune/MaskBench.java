package org.conceptprune.prune;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Micro-benchmark (not a unit test): derives the skilled-neuron mask for SD-1.5-shaped ff.net.2
 * layers (16 layers, W [d, 4d], d in {320, 640, 1280}) from random weights and statistics,
 * k = 0.02, t̂ = 10 calls. Run:
 * {@code java -cp target/classes:target/test-classes org.conceptprune.prune.MaskBench [reps]}
 */
public final class MaskBench {
  private MaskBench() {}

  /** SD-1.5's transformer blocks: down 2x320, 2x640, 2x1280; mid 1x1280; up 3x1280, 3x640, 3x320. */
  static List<String> layers(Map<String, Integer> dims) {
    int[][] down = {{0, 320}, {1, 640}, {2, 1280}};
    for (int[] b : down) {
      for (int a = 0; a < 2; a++) dims.put("down_blocks." + b[0] + ".attentions." + a + ".transformer_blocks.0.ff.net.2", b[1]);
    }
    dims.put("mid_block.attentions.0.transformer_blocks.0.ff.net.2", 1280);
    int[][] up = {{1, 1280}, {2, 640}, {3, 320}};
    for (int[] b : up) {
      for (int a = 0; a < 3; a++) dims.put("up_blocks." + b[0] + ".attentions." + a + ".transformer_blocks.0.ff.net.2", b[1]);
    }
    return new ArrayList<>(dims.keySet());
  }

  public static void main(String[] args) {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int calls = 10;
    double k = 0.02;
    Map<String, Integer> dims = new HashMap<>();
    List<String> names = layers(dims);
    SplittableRandom r = new SplittableRandom(0);
    PruneStats stats = new PruneStats();
    Map<String, LayerWeight> weights = new HashMap<>();
    long numel = 0;
    for (String n : names) {
      int d = dims.get(n);
      int in = 4 * d;
      float[] w = new float[d * in]; // [d, 4d]
      for (int p = 0; p < w.length; p++) w[p] = (float) (r.nextDouble() - 0.5);
      float[] t = new float[calls * in]; // [calls, 4d]
      float[] b = new float[calls * in];
      for (int p = 0; p < t.length; p++) {
        t[p] = (float) r.nextDouble();
        b[p] = (float) r.nextDouble();
      }
      weights.put(n, new LayerWeight(w, d, in));
      stats.put(n, new PruneStats.Layer(calls, in, t, b));
      numel += w.length;
    }
    System.out.printf("%d layers, %d ff.net.2 weights, %d calls, k = %.2f, %d cores%n", names.size(), numel,
        calls, k, Runtime.getRuntime().availableProcessors());
    for (int rep = 0; rep < reps; rep++) {
      long t0 = System.nanoTime();
      MaskSet m = stats.maskFor(weights::get, k, calls, 0.0, Variant.SKILLED);
      long t1 = System.nanoTime();
      System.out.printf("rep %d: %.1f ms, pruned %s%n", rep, (t1 - t0) / 1e6, m.overall());
    }
  }
}
