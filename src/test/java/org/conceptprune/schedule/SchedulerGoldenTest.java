package org.conceptprune.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Schedules of the four samplers built from the SD-1.5 PNDM config vs diffusers 0.35.2. */
class SchedulerGoldenTest {
  private static SafetensorsFile golden;
  private static SchedulerConfig pndmConfig;

  @BeforeAll
  static void open() {
    golden = SafetensorsFile.open(Fixtures.golden("schedulers.safetensors"));
    pndmConfig = SchedulerConfig.load(Fixtures.path("fixtures/tiny-sd/scheduler/scheduler_config.json"));
  }

  @AfterAll
  static void close() {
    golden.close();
  }

  static Scheduler make(SchedulerKind kind, int steps) {
    Scheduler s = Schedulers.create(kind, pndmConfig);
    s.setTimesteps(steps);
    return s;
  }

  static String key(SchedulerKind k) {
    return switch (k) {
      case PNDM -> "PNDM";
      case DDIM -> "DDIM";
      case EULER -> "Euler";
      case DPMPP_2M -> "DPMpp2M";
    };
  }

  static void assertRel(float[] want, float[] got, double rel, String what) {
    assertEquals(want.length, got.length, what + " length");
    for (int i = 0; i < want.length; i++) {
      double tol = rel * Math.max(Math.abs(want[i]), 1e-30);
      assertTrue(Math.abs(want[i] - got[i]) <= tol,
          what + "[" + i + "]: want " + want[i] + " got " + got[i]);
    }
  }

  @Test
  void alphasCumprodMatchesTorchBitForBit() {
    float[] want = golden.floats("alphas_cumprod");
    for (SchedulerKind k : SchedulerKind.values()) {
      float[] got = make(k, 10).alphasCumprod();
      assertRel(want, got, 1e-6, k + " alphas_cumprod");
      assertArrayEquals(want, got, 0f, k + " alphas_cumprod (exact)");
    }
  }

  @Test
  void timestepsAreExact() {
    for (SchedulerKind k : SchedulerKind.values()) {
      Scheduler s = make(k, 10);
      String name = key(k) + ".timesteps";
      double[] want = k == SchedulerKind.EULER
          ? toDoubles(golden.floats(name))
          : NoiseSchedule.toDoubles(golden.longs(name));
      assertArrayEquals(want, s.timesteps(), 0.0, name);
      assertEquals(want.length, s.numModelCalls(), name + " calls");
    }
    assertArrayEquals(new double[] {901, 801, 801, 701, 601, 501, 401, 301, 201, 101, 1},
        make(SchedulerKind.PNDM, 10).timesteps(), 0.0);
    assertEquals(51, make(SchedulerKind.PNDM, 50).numModelCalls());
  }

  @Test
  void sigmasAndInitNoiseSigma() {
    for (SchedulerKind k : SchedulerKind.values()) {
      Scheduler s = make(k, 10);
      String p = key(k);
      float want = golden.floats(p + ".init_noise_sigma")[0];
      assertEquals(want, s.initNoiseSigma(), Math.abs(want) * 1e-6, p + ".init_noise_sigma");
      if (golden.names().contains(p + ".sigmas")) {
        float[] ws = golden.floats(p + ".sigmas");
        assertRel(ws, s.sigmas(), 1e-6, p + ".sigmas");
        // DPM's sigmas are bit-exact; Euler's stored sigmas differ from sqrt((1-a)/a) in float32 by
        // one ulp at 4 of 10 entries (t = 888, 444, 333, 0), for a reason not pinned down (see report)
        if (k == SchedulerKind.DPMPP_2M) assertArrayEquals(ws, s.sigmas(), 0f, p + ".sigmas (exact)");
      }
    }
  }

  static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }
}
