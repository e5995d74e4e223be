package org.conceptprune.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.conceptprune.Fixtures;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spacing rules, prediction types and config handling, checked against values derived by hand. */
class SchedulerBehaviourTest {
  private static SchedulerConfig json(String text) throws Exception {
    return SchedulerConfig.parse(new ObjectMapper().readTree(text), "test.json");
  }

  private static SchedulerConfig sd15() {
    return SchedulerConfig.load(Fixtures.path("fixtures/tiny-sd/scheduler/scheduler_config.json"));
  }

  private static double[] ddim50(String spacing) throws Exception {
    Scheduler s = Schedulers.create(SchedulerKind.DDIM, json("{\"timestep_spacing\":\"" + spacing
        + "\",\"steps_offset\":1,\"beta_schedule\":\"scaled_linear\",\"beta_start\":0.00085,\"beta_end\":0.012}"));
    s.setTimesteps(50);
    return s.timesteps();
  }

  /**
   * DDIM, T = 1000, N = 50, steps_offset 1, derived from the diffusers code:
   * leading = arange(50)*(1000//50) reversed + 1 = 981, 961, ..., 1;
   * trailing = round(arange(1000, 0, -20.0)) - 1 = 999, 979, ..., 19 (offset unused);
   * linspace = round(linspace(0, 999, 50)) reversed, step 999/49 = 20.3877..., round half to even.
   */
  @Test
  void ddimSpacingsFor50Steps() throws Exception {
    double[] leading = new double[50], trailing = new double[50];
    for (int i = 0; i < 50; i++) {
      leading[i] = 981 - 20 * i;
      trailing[i] = 999 - 20 * i;
    }
    assertArrayEquals(leading, ddim50("leading"), 0.0);
    assertArrayEquals(trailing, ddim50("trailing"), 0.0);
    double[] linspace = {999, 979, 958, 938, 917, 897, 877, 856, 836, 816, 795, 775, 754, 734, 714, 693, 673,
      652, 632, 612, 591, 571, 550, 530, 510, 489, 469, 449, 428, 408, 387, 367, 347, 326, 306, 285, 265, 245,
      224, 204, 183, 163, 143, 122, 102, 82, 61, 41, 20, 0};
    assertArrayEquals(linspace, ddim50("linspace"), 0.0);
  }

  /** DPM++ linspace for 10 steps: round(linspace(0, 999, 11))[::-1][:-1]; 499.5 rounds to 500. */
  @Test
  void dpmLinspaceRoundsHalfToEven() {
    Scheduler s = Schedulers.create(SchedulerKind.DPMPP_2M, sd15());
    s.setTimesteps(10);
    assertArrayEquals(new double[] {999, 899, 799, 699, 599, 500, 400, 300, 200, 100}, s.timesteps(), 0.0);
  }

  /**
   * v-prediction DDIM on a 10-step linear schedule (betas 0.1..0.5), 5 inference steps (t = 8, 6, 4,
   * 2, 0), set_alpha_to_one: x0 = √ā_t x − √(1−ā_t) v, ε = √ā_t v + √(1−ā_t) x,
   * x_prev = √ā_prev x0 + √(1−ā_prev) ε; the last step (prev = −2) uses ā = 1, i.e. returns x0.
   */
  @Test
  void ddimVPredictionByHand() throws Exception {
    Scheduler s = Schedulers.create(SchedulerKind.DDIM, json("{\"num_train_timesteps\":10,\"beta_start\":0.1,"
        + "\"beta_end\":0.5,\"prediction_type\":\"v_prediction\",\"clip_sample\":false}"));
    s.setTimesteps(5);
    assertArrayEquals(new double[] {8, 6, 4, 2, 0}, s.timesteps(), 0.0);
    // betas_i = 0.1 + i*0.4/9; alphas_cumprod = prod(1 - betas)
    double[] ac = new double[10];
    double p = 1;
    for (int i = 0; i < 10; i++) {
      p *= 1 - (0.1 + i * 0.4 / 9);
      ac[i] = p;
    }
    float[] got = s.alphasCumprod();
    for (int i = 0; i < 10; i++) assertEquals(ac[i], got[i], 1e-6 * ac[i]);
    float[] x = {1.0f, -0.5f, 2.0f};
    float[] v = {0.25f, 0.75f, -1.5f};
    float[] out = s.step(v, 0, x);
    for (int k = 0; k < 3; k++) {
      double at = ac[8], ap = ac[6];
      double x0 = Math.sqrt(at) * x[k] - Math.sqrt(1 - at) * v[k];
      double eps = Math.sqrt(at) * v[k] + Math.sqrt(1 - at) * x[k];
      double want = Math.sqrt(ap) * x0 + Math.sqrt(1 - ap) * eps;
      assertEquals(want, out[k], 1e-5);
    }
    float[] y = out;
    for (int i = 1; i < 4; i++) y = s.step(v, i, y);
    float[] last = s.step(v, 4, y);
    for (int k = 0; k < 3; k++) {
      double a0 = ac[0];
      assertEquals(Math.sqrt(a0) * y[k] - Math.sqrt(1 - a0) * v[k], last[k], 1e-5);
    }
  }

  /** init_noise_sigma = σ_max for linspace/trailing, sqrt(σ_max² + 1) for leading. */
  @Test
  void eulerInitNoiseSigmaFollowsSpacing() throws Exception {
    for (String spacing : new String[] {"linspace", "trailing", "leading"}) {
      Scheduler s = Schedulers.create(SchedulerKind.EULER, json("{\"timestep_spacing\":\"" + spacing
          + "\",\"steps_offset\":1,\"beta_schedule\":\"scaled_linear\",\"beta_start\":0.00085,\"beta_end\":0.012}"));
      s.setTimesteps(10);
      float max = 0;
      for (float v : s.sigmas()) max = Math.max(max, v);
      float want = spacing.equals("leading") ? (float) Math.sqrt(max * max + 1f) : max;
      assertEquals(want, s.initNoiseSigma(), 0f, spacing);
      assertTrue(s.initNoiseSigma() > 8, spacing); // 14.6 (t=999) or ~8.5 (leading: t=901)
    }
  }

  @Test
  void eulerScalesModelInput() {
    Scheduler s = Schedulers.create(SchedulerKind.EULER, sd15());
    s.setTimesteps(10);
    float sigma = s.sigmas()[3];
    float[] in = {1f, -2f, 3.5f};
    float[] out = s.scaleModelInput(in, 3);
    for (int k = 0; k < 3; k++) assertEquals(in[k] / (float) Math.sqrt(sigma * sigma + 1f), out[k], 0f);
    Scheduler d = Schedulers.create(SchedulerKind.DDIM, sd15());
    d.setTimesteps(10);
    assertArrayEquals(in, d.scaleModelInput(in, 3), 0f);
  }

  @Test
  void classDefaultsApplyToAbsentKeys() {
    SchedulerConfig raw = sd15();
    assertNull(raw.timestepSpacing());
    assertNull(raw.predictionType());
    assertEquals("leading", raw.withDefaults(SchedulerKind.PNDM).timestepSpacing());
    assertEquals("leading", raw.withDefaults(SchedulerKind.DDIM).timestepSpacing());
    assertEquals("linspace", raw.withDefaults(SchedulerKind.EULER).timestepSpacing());
    assertEquals("linspace", raw.withDefaults(SchedulerKind.DPMPP_2M).timestepSpacing());
    SchedulerConfig ddim = raw.withDefaults(SchedulerKind.DDIM);
    assertEquals(false, ddim.setAlphaToOne()); // present in the file
    assertEquals("epsilon", ddim.predictionType());
    assertEquals("DDIMScheduler", ddim.className());
    SchedulerConfig empty = SchedulerConfig.parse(new ObjectMapper().createObjectNode(), "x.json");
    assertEquals(true, empty.withDefaults(SchedulerKind.DDIM).setAlphaToOne());
    assertEquals(true, empty.withDefaults(SchedulerKind.DDIM).clipSample());
    assertEquals(false, empty.withDefaults(SchedulerKind.PNDM).setAlphaToOne());
    assertEquals("linear", empty.withDefaults(SchedulerKind.EULER).betaSchedule());
    assertEquals(1000, empty.withDefaults(SchedulerKind.EULER).numTrainTimesteps());
  }

  @Test
  void badConfigsAreUserErrorsNamingFileAndKey(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("scheduler_config.json");
    Files.writeString(f, "{\"beta_schedule\": \"cubic\"}");
    UserError e = assertThrows(UserError.class, () -> SchedulerConfig.load(f));
    assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("beta_schedule"), e.getMessage());
    Files.writeString(f, "{\"beta_start\": \"small\"}");
    e = assertThrows(UserError.class, () -> SchedulerConfig.load(f));
    assertTrue(e.getMessage().contains("beta_start"), e.getMessage());
    Files.writeString(f, "{\"use_karras_sigmas\": true}");
    e = assertThrows(UserError.class, () -> SchedulerConfig.load(f));
    assertTrue(e.getMessage().contains("use_karras_sigmas"), e.getMessage());
    Files.writeString(f, "[1, 2]");
    assertThrows(UserError.class, () -> SchedulerConfig.load(f));
    assertThrows(UserError.class, () -> SchedulerConfig.load(dir.resolve("missing.json")));
    // diffusers writes -Infinity for lambda_min_clipped
    Files.writeString(f, "{\"lambda_min_clipped\": -Infinity, \"solver_order\": 3}");
    SchedulerConfig c = SchedulerConfig.load(f);
    assertEquals(Double.NEGATIVE_INFINITY, c.lambdaMinClipped());
    e = assertThrows(UserError.class, () -> Schedulers.create(SchedulerKind.DPMPP_2M, c));
    assertTrue(e.getMessage().contains("solver_order"), e.getMessage());
  }

  @Test
  void kindNames() {
    assertEquals(SchedulerKind.DPMPP_2M, SchedulerKind.fromCli("dpmpp-2m"));
    assertEquals(SchedulerKind.EULER, SchedulerKind.fromClassName("EulerDiscreteScheduler"));
    assertEquals("PNDMScheduler", SchedulerKind.PNDM.className());
    assertThrows(UserError.class, () -> SchedulerKind.fromCli("lms"));
  }

  @Test
  void stepsMustRunInOrder() {
    Scheduler s = Schedulers.create(SchedulerKind.PNDM, sd15());
    s.setTimesteps(10);
    float[] z = new float[4];
    assertThrows(IllegalStateException.class, () -> s.step(z, 1, z));
    s.step(z, 0, z);
    s.setTimesteps(10); // a new run restarts at 0
    s.step(z, 0, z);
  }
}
