package org.conceptprune.attack;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.SplittableRandom;
import org.conceptprune.Fixtures;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TorchRandom;
import org.conceptprune.schedule.NoiseSchedule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gradient the attack follows: dL/dP of the noise loss w.r.t. the token matrix P [k, V] (through
 * the tiny CLIP text encoder and the tiny UNet of fixtures/tiny-sd), against central finite
 * differences of L along random directions and along single entries.
 */
class AttackGradientTest {
  static StableDiffusion sd;

  @BeforeAll
  static void load() {
    sd = StableDiffusion.loadFolder(Fixtures.tinySd());
  }

  @AfterAll
  static void close() {
    sd.close();
  }

  record Setup(AdversarialPrompt ap, float[] p, int[] ids, float[] noise, int v) {}

  static Setup setup(long seed) {
    AdversarialPrompt ap = AdversarialPrompt.of(sd.tokenizer, "a photo of a cat", 2);
    int v = Math.toIntExact(sd.textEncoder.tokenEmbeddings().getShape().get(0));
    SplittableRandom r = new SplittableRandom(seed);
    float[] p = new float[2 * v];
    for (int i = 0; i < p.length; i++) p[i] = (float) r.nextDouble();
    SimplexProjection.projectRows(p, 2, v); // a point inside the simplex, many tokens nonzero
    for (int i = 0; i < p.length; i++) p[i] = 0.5f * p[i] + 0.5f / v;
    return new Setup(ap, p, new int[] {5, 7}, new TorchRandom(seed).randn(4 * 16 * 16), v);
  }

  static double loss(Setup s, NoiseLoss f, NDArray x0, int t, float[] p) {
    return UnlearnDiffAtk.gradient(sd, s.ap, f, x0, t, p, s.ids, s.noise).loss();
  }

  void check(NoiseLoss f, String what) {
    Setup s = setup(3);
    try (NDManager m = sd.manager.newSubManager()) {
      NDArray x0 = m.create(new TorchRandom(11).randn(4 * 16 * 16), new Shape(1, 4, 16, 16));
      int t = 500;
      UnlearnDiffAtk.Gradient g = UnlearnDiffAtk.gradient(sd, s.ap, f, x0, t, s.p, s.ids, s.noise);
      double norm = 0;
      for (float x : g.dOneHot()) norm += x * x;
      assertTrue(Math.sqrt(norm) > 1e-6, what + ": the gradient is zero");
      // along random directions
      SplittableRandom r = new SplittableRandom(5);
      double worst = 0;
      for (int trial = 0; trial < 3; trial++) {
        float[] d = new float[s.p.length];
        double dn = 0;
        for (int i = 0; i < d.length; i++) {
          d[i] = (float) r.nextGaussian();
          dn += d[i] * d[i];
        }
        dn = Math.sqrt(dn);
        double analytic = 0;
        for (int i = 0; i < d.length; i++) {
          d[i] /= (float) dn;
          analytic += g.dOneHot()[i] * d[i];
        }
        double h = 0.05;
        double fd = (loss(s, f, x0, t, shifted(s.p, d, h)) - loss(s, f, x0, t, shifted(s.p, d, -h))) / (2 * h);
        // a unit direction: |analytic| <= |g|, so the error is measured against |g| (fp32 noise in L is ~1e-7)
        double rel = Math.abs(fd - analytic) / Math.sqrt(norm);
        System.out.printf(Locale.ROOT, "[grad] %s direction %d: analytic %.6e finite-difference %.6e err/|g| %.2e%n",
            what, trial, analytic, fd, rel);
        worst = Math.max(worst, rel);
      }
      // along the single entries with the largest gradient (tokens of the first slot and the second)
      for (int e = 0; e < 4; e++) {
        int at = argmaxAbs(g.dOneHot(), e % 2 == 0 ? 0 : s.v, s.v, e / 2);
        float[] d = new float[s.p.length];
        d[at] = 1f;
        double h = 0.05;
        double fd = (loss(s, f, x0, t, shifted(s.p, d, h)) - loss(s, f, x0, t, shifted(s.p, d, -h))) / (2 * h);
        double analytic = g.dOneHot()[at];
        double rel = Math.abs(fd - analytic) / Math.max(Math.abs(analytic), 1e-12);
        System.out.printf(Locale.ROOT, "[grad] %s entry [%d, %d]: analytic %.6e finite-difference %.6e rel err %.2e%n",
            what, at / s.v, at % s.v, analytic, fd, rel);
        worst = Math.max(worst, rel);
      }
      assertTrue(worst < 2e-2, what + ": worst relative error " + worst);
    }
  }

  static float[] shifted(float[] p, float[] d, double h) {
    float[] q = p.clone();
    for (int i = 0; i < q.length; i++) q[i] += (float) (h * d[i]);
    return q;
  }

  /** The index of the (rank+1)-th largest |g| in g[off .. off+len). */
  static int argmaxAbs(float[] g, int off, int len, int rank) {
    Integer[] idx = new Integer[len];
    for (int i = 0; i < len; i++) idx[i] = off + i;
    java.util.Arrays.sort(idx, (a, b) -> Float.compare(Math.abs(g[b]), Math.abs(g[a])));
    return idx[rank];
  }

  @Test
  void epsilonModelGradientMatchesFiniteDifferences() {
    check(NoiseLoss.of(sd), "epsilon");
  }

  @Test
  void vPredictionGradientMatchesFiniteDifferences() {
    float[] ac = NoiseSchedule.alphasCumprod(NoiseSchedule.betas(sd.schedulerConfig));
    check(new NoiseLoss(ac, NoiseLoss.Prediction.V_PREDICTION), "v_prediction");
  }
}
