package org.conceptprune.prune;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.conceptprune.Fixtures;
import org.conceptprune.experiment.ToyErasure;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.World;
import org.conceptprune.util.Progress;
import org.junit.jupiter.api.Test;

/**
 * ConceptPrune masks from statistics recorded with a bf16 UNet against fp32 (Jaccard, all layers
 * pooled), for k in {0.01, 0.02, 0.05} and t̂ in {1, 5, 10}:
 *
 * <ul>
 *   <li>the shipped toy model, both runs in this test, each scoring its own model's weights as the
 *       toy evaluation does: >= 0.975 everywhere (measured on the shipped model F2: 0.985..0.991 on
 *       an earlier machine; on a 2-core AMD EPYC with avx512_bf16: styles 0.985..0.992, objects
 *       0.980..0.986, lowest object 0 at k 0.01, t̂ 5: 0.9796, the same on the commit before the FIA
 *       and revival work, so the spread is the CPU's bf16 kernels; on F1: 0.983..0.993; on m4:
 *       0.984..0.991);
 *   <li>tiny-sd against the reference masks, the weights scored from the checkpoint as {@code prune}
 *       does: >= 0.98 for t̂ <= 5 (measured 0.986..1), >= 0.96 for t̂ = 10 (measured 1, 0.980,
 *       0.969). Its masks hold 90..990 weights, so a few flips move J by 1%; later calls see latents
 *       that have drifted further from the fp32 trajectory (the bf16 UNet output differs by ~2e-2).
 * </ul>
 */
class Bf16MaskTest {
  static final double MIN_JACCARD = 0.975;
  static final double MIN_JACCARD_TINY_T10 = 0.96;

  @Test
  void tinySdMasksFromBf16StatisticsMatchTheReference() {
    ConceptFamily.Prompts p = ConceptFamily.ART_STYLE.prompts("Van Gogh", ActivationStatsGoldenTest.THINGS);
    float[] latents;
    try (SafetensorsFile in = SafetensorsFile.open(Fixtures.path("fixtures/conceptprune-sd1/calib_inputs.safetensors"))) {
      latents = in.floats("A.initial_latents");
    }
    StatsSettings s = new StatsSettings(ProbeSite.FFN2, Aggregation.TOKENNORM, 12, SchedulerKind.PNDM, 50, 7.5, 0, false, 0, 0);
    PruneStats stats;
    try (StableDiffusion sd = StableDiffusion.loadFolder(Fixtures.tinySd(), DataType.BFLOAT16)) {
      stats = ActivationStats.collect(sd, p, s, latents, new Progress("stats", 6 * 12)).stats();
    }
    List<String> low = new ArrayList<>();
    try (ModelSource src = ModelSource.open(Fixtures.tinySd(), null);
        SafetensorsFile masks = SafetensorsFile.open(Fixtures.path("fixtures/conceptprune-sd1/masks.safetensors"))) {
      WeightSource w = WeightSource.of(src.weights(Component.UNET));
      for (double k : new double[] {0.01, 0.02, 0.05}) {
        for (int tHat : new int[] {1, 5, 10}) {
          MaskSet ours = stats.maskFor(w, k, tHat, 0, Variant.SKILLED);
          MaskSet ref = new MaskSet();
          for (String layer : ours.layers()) {
            byte[] g = org.conceptprune.io.safetensors.TensorCodec.toBytes(masks.bytes("A.tokennorm.k" + k + ".that" + tHat + "." + layer));
            ref.put(layer, LayerMask.fromU8(ours.get(layer).out(), ours.get(layer).in(), g));
          }
          check("tiny-sd k=" + k + " t̂=" + tHat, ref, ours, tHat < 10 ? MIN_JACCARD : MIN_JACCARD_TINY_T10, low);
        }
      }
    }
    assertTrue(low.isEmpty(), "Jaccard too low: " + low);
  }

  @Test
  void toyModelMasksFromBf16StatisticsMatchFp32() {
    assumeTrue(ToyModel.bundledAvailable(), "no shipped toy model");
    var dir = ToyModel.extractBundled();
    ToyEval.Sampling samp = ToyEval.Sampling.defaults();
    int tMax = 10;
    int[][] concepts = {{1, 0}, {0, 0}}; // style 0, object 0
    List<PruneStats> fp32 = new ArrayList<>();
    List<MaskSet> fp32Masks = new ArrayList<>();
    List<String> low = new ArrayList<>();
    double[] ks = {0.01, 0.02, 0.05};
    int[] tHats = {1, 5, 10};
    try (StableDiffusion sd = StableDiffusion.loadFolder(dir, DataType.FLOAT32)) {
      for (int[] c : concepts) {
        PruneStats st = ToyErasure.stats(World.classic(), sd, c[0] == 1, c[1], tMax, samp, 100);
        fp32.add(st);
        for (double k : ks) for (int t : tHats) fp32Masks.add(ToyErasure.mask(sd, st, k, t));
      }
    }
    try (StableDiffusion sd = StableDiffusion.loadFolder(dir, DataType.BFLOAT16)) {
      int i = 0;
      for (int ci = 0; ci < concepts.length; ci++) {
        int[] c = concepts[ci];
        PruneStats st = ToyErasure.stats(World.classic(), sd, c[0] == 1, c[1], tMax, samp, 100);
        for (double k : ks) {
          for (int t : tHats) {
            String what = String.format(Locale.ROOT, "toy %s %d k=%s t̂=%d", c[0] == 1 ? "style" : "object", c[1], k, t);
            check(what, fp32Masks.get(i), ToyErasure.mask(sd, st, k, t), MIN_JACCARD, low);
            i++;
          }
        }
      }
    }
    assertTrue(low.isEmpty(), "Jaccard too low: " + low);
  }

  @Test
  void jaccardOnHandMadeMasks() {
    LayerMask a = new LayerMask(2, 4);
    LayerMask b = new LayerMask(2, 4);
    for (int p : new int[] {0, 1, 5}) a.set(p);
    for (int p : new int[] {1, 5, 6, 7}) b.set(p);
    LayerMask c = new LayerMask(1, 3);
    c.set(2);
    MaskSet x = new MaskSet().put("l1", a).put("l2", c);
    MaskSet y = new MaskSet().put("l1", b).put("l2", c.copy());
    // |A ∩ B| = 2 + 1, |A ∪ B| = 5 + 1
    org.junit.jupiter.api.Assertions.assertEquals(0.5, Masks.jaccard(x, y), 1e-12);
    org.junit.jupiter.api.Assertions.assertEquals(1.0, Masks.jaccard(x, x), 1e-12);
    org.junit.jupiter.api.Assertions.assertEquals(1.0, Masks.jaccard(new MaskSet(), new MaskSet()), 1e-12);
  }

  private static void check(String what, MaskSet ref, MaskSet ours, double min, List<String> low) {
    double j = Masks.jaccard(ref, ours);
    System.out.printf(Locale.ROOT, "[golden] bf16 masks %s: Jaccard %.4f (%d vs %d weights)%n", what, j, ToyErasure.count(ref), ToyErasure.count(ours));
    if (j < min) low.add(what + String.format(Locale.ROOT, " %.4f < %.2f", j, min));
  }
}
