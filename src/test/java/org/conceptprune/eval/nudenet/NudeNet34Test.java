package org.conceptprune.eval.nudenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * NudeNet 3.4.2's processing on the synthetic detectors of {@code fixtures/eval2/nudenet34} against what
 * 3.4.2's own {@code NudeDetector.detect} returned: the same number of candidates and detections, the
 * same labels in the same order, boxes within 1 px (NumPy 1 vs 2 truncation), scores within 1e-4.
 */
class NudeNet34Test {
  static Path dir() {
    return Fixtures.path("fixtures/eval2/nudenet34");
  }

  /** img0..3 live in fixtures/eval/images, img4..5 in fixtures/eval2/images. */
  static Path image(int i) {
    return Fixtures.path((i < 4 ? "fixtures/eval/images/img" : "fixtures/eval2/images/img") + i + ".png");
  }

  @ParameterizedTest
  @CsvSource({"det320.onnx, 0, detections-320.json", "det640.onnx, 640, detections-640.json",
      "det320.onnx, 640, detections-320at640.json"})
  void matchesNudeNet342(String model, int resolution, String golden) {
    JsonNode gold = json(golden);
    int side = resolution == 0 ? 320 : resolution;
    assertEquals(side, gold.get("inference_resolution").asInt());
    double worstScore = 0;
    int worstBox = 0;
    int total = 0;
    int offByOne = 0;
    NudeNetSettings s = new NudeNetSettings(NudeNetVersion.V3_4_2, resolution);
    try (NudeDetector det = NudeDetector.open(dir().resolve(model), 1, s)) {
      assertEquals(side, det.inputSize());
      for (int i = 0; i < 6; i++) {
        String name = "img" + i + ".png";
        NudeNetDecoder.Decoded got = det.detect(RgbImage.read(image(i)));
        JsonNode want = gold.get("results").get(name);
        assertEquals(want.get("n_candidates").asInt(), got.candidates(), name + ": candidates");
        JsonNode wd = want.get("detections");
        assertEquals(wd.size(), got.detections().size(), name + ": detections after NMS");
        for (int k = 0; k < wd.size(); k++) {
          Detection d = got.detections().get(k);
          JsonNode w = wd.get(k);
          String what = golden + " " + name + " detection " + k;
          assertEquals(w.get("class").asText(), d.label().name(), what + ": label");
          int[] box = {d.x(), d.y(), d.width(), d.height()};
          for (int j = 0; j < 4; j++) {
            int err = Math.abs(w.get("box").get(j).asInt() - box[j]);
            assertTrue(err <= 1, what + ": box " + java.util.Arrays.toString(box) + " vs NudeNet " + w.get("box"));
            worstBox = Math.max(worstBox, err);
            if (err > 0) offByOne++;
          }
          double err = Math.abs(w.get("score").asDouble() - d.score());
          worstScore = Math.max(worstScore, err);
          assertTrue(err <= 1e-4, what + ": score " + d.score() + " vs NudeNet " + w.get("score").asDouble());
        }
        total += wd.size();
      }
    }
    System.out.printf(Locale.ROOT, "[golden] NudeNet 3.4.2 %s at %d: %d boxes, labels identical, max box err %d px"
        + " (%d coordinates off), max score err %.3e%n", model, side, total, worstBox, offByOne, worstScore);
  }

  @Test
  void inputBytesEqualNudeNets() throws Exception {
    // blob-sha256.json: the hashes of 3.4.2's blobs ([3, S, S] bytes, channel 0 = blue) for 6 pictures x 2 sizes
    JsonNode blobs = json("blob-sha256.json").get("blobs");
    for (int i = 0; i < 6; i++) {
      for (int s : new int[] {320, 640}) {
        SquarePad p = SquarePad.of(RgbImage.read(image(i)), s);
        byte[] chw = new byte[3 * s * s];
        for (int c = 0; c < 3; c++) for (int q = 0; q < s * s; q++) chw[c * s * s + q] = p.bgr()[q * 3 + c];
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(chw));
        assertEquals(blobs.get("img" + i + ".png@" + s).get("sha256").asText(), sha, "img" + i + " at " + s);
      }
    }
  }

  @Test
  void theVersionsDiffer() {
    // the same detector through 3.0.8's processing finds other boxes (README: 964 vs 408 at 320)
    RgbImage img = RgbImage.read(image(1));
    try (NudeDetector v308 = NudeDetector.open(dir().resolve("det320.onnx"), 1, new NudeNetSettings(NudeNetVersion.V3_0_8, 320));
         NudeDetector v342 = NudeDetector.open(dir().resolve("det320.onnx"), 1, new NudeNetSettings(NudeNetVersion.V3_4_2, 0))) {
      assertEquals(320, v308.inputSize());
      assertTrue(!v308.detect(img).detections().equals(v342.detect(img).detections()));
    }
  }

  @Test
  void inputSizeRules() {
    Path dyn = dir().resolve("det320.onnx");
    Path fixed = dir().resolve("det640.onnx");
    assertEquals(dyn + ": the model's input size is symbolic and NudeNet 3.0.8 reads it from the model; pass --inference-resolution S",
        assertThrows(UserError.class, () -> NudeDetector.open(dyn, 1)).getMessage());
    assertEquals(fixed + ": the model takes 640x640 inputs but NudeNet 3.4.2 feeds inference_resolution 320; pass --inference-resolution 640",
        assertThrows(UserError.class, () -> NudeDetector.open(fixed, 1, new NudeNetSettings(NudeNetVersion.V3_4_2, 0))).getMessage());
    try (NudeDetector d = NudeDetector.open(fixed, 1)) {
      assertEquals(640, d.inputSize());
      assertEquals(NudeNetVersion.V3_0_8, d.version());
    }
  }

  @Test
  void parsesVersions() {
    assertEquals(NudeNetVersion.V3_4_2, NudeNetVersion.parse("3.4"));
    assertEquals(NudeNetVersion.V3_4_2, NudeNetVersion.parse("3.4.2"));
    assertEquals(NudeNetVersion.V3_0_8, NudeNetVersion.parse("3.0.8"));
    assertEquals("unknown NudeNet version '3.4.1' (3.0.8, 3.4 (= 3.4.2))",
        assertThrows(UserError.class, () -> NudeNetVersion.parse("3.4.1")).getMessage());
  }

  @Test
  void padsRightAndBottomAndFeedsBgr() {
    // a 2x1 picture (red, green) at S = 2: no resize, one black row below, planes B, G, R
    SquarePad p = SquarePad.of(new RgbImage(2, 1, new byte[] {(byte) 255, 0, 0, 0, (byte) 128, 0}), 2);
    assertEquals(0, p.xPad());
    assertEquals(1, p.yPad());
    float[] x = p.nchw();
    float inv = (float) (1 / 255.0);
    assertEquals(0f, x[0]);                 // blue plane, red pixel
    assertEquals(128 * inv, x[4 + 1]);      // green plane, green pixel: float32(v) * float32(1/255)
    assertEquals(255 * inv, x[8]);          // red plane, red pixel
    assertEquals(0f, x[8 + 2]);             // padding row
  }

  static JsonNode json(String file) {
    try {
      return new ObjectMapper().readTree(dir().resolve(file).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
