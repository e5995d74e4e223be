package org.conceptprune.toy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ToyJudgeTest {

  /** The judge shipped in the jar scores >= 98% on both heads on 512 fresh renders (all pairs). */
  @Test
  void bundledJudgeIsAccurate() {
    Assumptions.assumeTrue(ToyJudge.bundledAvailable(), "no trained judge in resources");
    long t0 = System.nanoTime();
    try (ToyJudge judge = ToyJudge.loadBundled()) {
      int n = 512;
      SplittableRandom r = new SplittableRandom(20240917L);
      int[] objs = new int[n];
      int[] stys = new int[n];
      for (int i = 0; i < n; i++) {
        objs[i] = r.nextInt(World.classic().numObjects());
        stys[i] = r.nextInt(World.classic().numStyles());
      }
      float[] imgs = ToyRenderer.renderBatch(objs, stys, r);
      ToyJudge.Result res = judge.classify(imgs, n);
      int okO = 0;
      int okS = 0;
      for (int i = 0; i < n; i++) {
        if (res.object()[i] == objs[i]) okO++;
        if (res.style()[i] == stys[i]) okS++;
      }
      double accO = okO / (double) n;
      double accS = okS / (double) n;
      System.out.printf("bundled judge on %d fresh renders: object %.4f, style %.4f, %.1f s%n", n, accO, accS,
          (System.nanoTime() - t0) / 1e9);
      assertTrue(accO >= 0.98, "object accuracy " + accO);
      assertTrue(accS >= 0.98, "style accuracy " + accS);

      // probabilities are distributions; NHWC input gives the same answer as NCHW
      for (int i = 0; i < 4; i++) {
        float so = 0;
        for (int o = 0; o < res.numObjects(); o++) so += res.objectProb(i, o);
        assertEquals(1f, so, 1e-4f);
      }
      int k = 8;
      int hw = ToyWorld.SIZE * ToyWorld.SIZE;
      float[] nhwc = new float[k * ToyWorld.PIXELS];
      for (int i = 0; i < k; i++) {
        for (int c = 0; c < 3; c++) {
          for (int p = 0; p < hw; p++) nhwc[i * ToyWorld.PIXELS + p * 3 + c] = imgs[i * ToyWorld.PIXELS + c * hw + p];
        }
      }
      ToyJudge.Result a = judge.classify(imgs, k);
      ToyJudge.Result b = judge.classify(nhwc, k, ToyJudge.Layout.NHWC);
      assertArrayEquals(a.object(), b.object());
      assertArrayEquals(a.style(), b.style());
      assertArrayEquals(a.styleProbs(), b.styleProbs(), 1e-5f);
    }
  }
}
