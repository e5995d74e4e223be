package org.conceptprune.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.util.Progress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our statistics pass against the reference re-implementation of the authors' code on tiny-sd. */
class ActivationStatsGoldenTest {
  static final List<String> THINGS = List.of("cat", "dog", "mouse", "bear", "car", "chair");
  static StableDiffusion sd;
  static ActivationStats.Result result;
  static SafetensorsFile gold;

  @BeforeAll
  static void run() {
    sd = StableDiffusion.loadFolder(Fixtures.tinySd());
    gold = SafetensorsFile.open(Fixtures.path("fixtures/conceptprune-sd1/stats.safetensors"));
    ConceptFamily.Prompts p = ConceptFamily.ART_STYLE.prompts("Van Gogh", THINGS);
    float[] latents;
    try (SafetensorsFile in = SafetensorsFile.open(Fixtures.path("fixtures/conceptprune-sd1/calib_inputs.safetensors"))) {
      latents = in.floats("A.initial_latents");
    }
    StatsSettings s = new StatsSettings(ProbeSite.FFN2, Aggregation.TOKENNORM, 12, SchedulerKind.PNDM, 50, 7.5, 0,
        false, 0, 0);
    result = ActivationStats.collect(sd, p, s, latents, new Progress("stats", 6 * 12));
  }

  @AfterAll
  static void close() {
    gold.close();
    sd.close();
  }

  @Test
  void stopsAfterTHatCalls() {
    assertEquals(6 * 12, result.unetCalls(), "12 UNet calls per pair, not 51");
  }

  @Test
  void statisticsMatchTheReferenceToRelative1e4() {
    double worst = 0;
    for (String layer : result.stats().layers()) {
      PruneStats.Layer l = result.stats().layer(layer);
      float[] t = gold.floats("A.target.tokennorm." + layer);
      float[] b = gold.floats("A.base.tokennorm." + layer);
      for (int i = 0; i < t.length; i++) {
        worst = Math.max(worst, Math.abs(t[i] - l.target()[i]) / Math.max(1e-6, Math.abs(t[i])));
        worst = Math.max(worst, Math.abs(b[i] - l.reference()[i]) / Math.max(1e-6, Math.abs(b[i])));
      }
    }
    System.out.println("[golden] stats max relative error " + worst);
    assertTrue(worst <= 1e-4, "max relative error " + worst);
  }

  @Test
  void masksFromOurStatisticsEqualTheReferenceMasks() {
    WeightSource w = ModelWeights.of(sd.unet);
    List<String> differing = new ArrayList<>();
    try (SafetensorsFile masks = SafetensorsFile.open(Fixtures.path("fixtures/conceptprune-sd1/masks.safetensors"))) {
      for (double k : new double[] {0.01, 0.02, 0.05}) {
        for (int tHat : new int[] {1, 5, 10}) {
          MaskSet ours = result.stats().maskFor(w, k, tHat, 0, Variant.SKILLED);
          for (String layer : ours.layers()) {
            String name = "A.tokennorm.k" + k + ".that" + tHat + "." + layer;
            byte[] g = org.conceptprune.io.safetensors.TensorCodec.toBytes(masks.bytes(name));
            LayerMask gm = LayerMask.fromU8(ours.get(layer).out(), ours.get(layer).in(), g);
            if (!gm.equals(ours.get(layer))) differing.add(name + " (" + gm.count() + " vs " + ours.get(layer).count() + ")");
          }
        }
      }
    }
    assertTrue(differing.isEmpty(), "masks differ: " + differing);
  }
}
