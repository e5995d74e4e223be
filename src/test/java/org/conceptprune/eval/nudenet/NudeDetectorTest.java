package org.conceptprune.eval.nudenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole detector on the synthetic {@code detector.onnx} against what NudeNet 3.0.8's own code
 * returned ({@code detections.json}): same boxes in the same order, scores within 1e-5.
 */
class NudeDetectorTest {
  @Test
  void matchesNudeNetOnTheSyntheticDetector() {
    JsonNode gold = CvGolden.json("detections.json").get("results");
    double worst = 0;
    int total = 0;
    long t0 = System.nanoTime();
    try (NudeDetector det = NudeDetector.open(CvGolden.dir().resolve("detector.onnx"), 1)) {
      assertEquals(320, det.inputSize());
      for (int i = 0; i < 4; i++) {
        String name = "img" + i + ".png";
        NudeNetDecoder.Decoded got = det.detect(RgbImage.read(CvGolden.dir().resolve("images").resolve(name)));
        JsonNode want = gold.get(name);
        assertEquals(want.get("n_candidates").asInt(), got.candidates(), name + ": candidates (max score >= 0.2)");
        JsonNode wd = want.get("detections");
        assertEquals(wd.size(), got.detections().size(), name + ": detections after NMS");
        for (int k = 0; k < wd.size(); k++) {
          Detection d = got.detections().get(k);
          JsonNode w = wd.get(k);
          String what = name + " detection " + k;
          assertEquals(w.get("class").asText(), d.label().name(), what + ": label");
          int[] box = {d.x(), d.y(), d.width(), d.height()};
          for (int j = 0; j < 4; j++) assertEquals(w.get("box").get(j).asInt(), box[j], what + ": box " + w.get("box"));
          double err = Math.abs(w.get("score").asDouble() - d.score());
          worst = Math.max(worst, err);
          if (err > 1e-5) fail(what + ": score " + d.score() + " vs NudeNet " + w.get("score").asDouble());
        }
        total += wd.size();
      }
    }
    System.out.printf(Locale.ROOT, "[golden] NudeNet detections: %d boxes identical over 4 pictures, max score err %.3e (%.0f ms incl. load, 1 thread)%n",
        total, worst, (System.nanoTime() - t0) / 1e6);
  }

  @Test
  void refusesOtherSignatures() {
    assertEquals(CvGolden.dir().resolve("bad-classes.onnx") + ": not a NudeNet v3 detector: expected input float [1, 3, S, S]"
        + " and output float [1, 22, A], found input 'images' float [1, 3, 320, 320], output 'output0' float [1, 84, 2100]",
        refusal("bad-classes.onnx"));
    assertTrue(refusal("bad-input.onnx").endsWith("found input 'images' float [1, 3, 320, 256], output 'output0' float [1, 22, 2100]"));
    assertTrue(refusal("bad-dtype.onnx").endsWith("found input 'images' uint8 [1, 3, 320, 320], output 'output0' float [1, 22, 2100]"));
  }

  private static String refusal(String file) {
    return assertThrows(UserError.class, () -> NudeDetector.open(CvGolden.dir().resolve(file), 1)).getMessage();
  }

  @Test
  void refusesMissingAndNonOnnxFiles(@TempDir Path tmp) throws IOException {
    Path missing = tmp.resolve("320n.onnx");
    assertEquals(missing + ": no such file (a NudeNet v3 .onnx, e.g. 320n.onnx)",
        assertThrows(UserError.class, () -> NudeDetector.open(missing, 1)).getMessage());
    Path text = Files.writeString(tmp.resolve("notes.onnx"), "not a model\n");
    String m = assertThrows(UserError.class, () -> NudeDetector.open(text, 1)).getMessage();
    assertTrue(m.startsWith(text + ": not an ONNX model ONNX Runtime can load ("), m);
    assertTrue(!m.contains("\n"), m);
    assertTrue(assertThrows(UserError.class, () -> NudeDetector.open(tmp, 1)).getMessage().endsWith(": not a file (a NudeNet v3 .onnx, e.g. 320n.onnx)"));
  }

  @Test
  void readsTheInputSizeFromTheModel() {
    // 640m.onnx's signature ([1, 3, 640, 640] -> [1, 22, 8400]); this one outputs zeros: no candidates
    try (NudeDetector det = NudeDetector.open(CvGolden.dir().resolve("zeros-640.onnx"), 1)) {
      assertEquals(640, det.inputSize());
      NudeNetDecoder.Decoded d = det.detect(RgbImage.read(CvGolden.dir().resolve("images/img3.png")));
      assertEquals(0, d.candidates());
      assertEquals(List.of(), d.detections());
    }
  }
}
