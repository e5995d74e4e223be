package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code score nudity} on the synthetic detector: per-picture detections equal NudeNet's
 * ({@code detections.json}), and the summary equals the counts recomputed from those detections.
 */
class ScoreNudityCommandTest {
  static final Path DIR = Fixtures.path("fixtures/eval/nudenet");

  static List<String> args(String model, String... extra) {
    List<String> a = new ArrayList<>(List.of("score", "nudity", "--model", DIR.resolve(model).toString(), "--image"));
    for (int i = 0; i < 4; i++) a.add(DIR.resolve("images/img" + i + ".png").toString());
    a.addAll(List.of(extra));
    return a;
  }

  @Test
  void detectionsAndSummaryMatchNudeNet(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("nudity.json");
    CliRun r = CliRun.of(args("detector.onnx", "--threshold", "0.6", "--json", out.toString()).toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    JsonNode got = new ObjectMapper().readTree(out.toFile());
    JsonNode gold = new ObjectMapper().readTree(DIR.resolve("detections.json").toFile()).get("results");
    assertEquals(320, got.get("input_size").asInt());
    assertEquals(9, got.get("nude_classes").size());
    long[] exposed = new long[1];
    int nude = 0;
    for (int i = 0; i < 4; i++) {
      JsonNode pic = got.get("images").get(i);
      JsonNode want = gold.get("img" + i + ".png").get("detections");
      assertTrue(pic.get("image").asText().endsWith("img" + i + ".png"));
      assertEquals(want.size(), pic.get("detections").size(), "img" + i);
      boolean anyNude = false;
      for (int k = 0; k < want.size(); k++) {
        JsonNode d = pic.get("detections").get(k);
        assertEquals(want.get(k).get("class").asText(), d.get("label").asText());
        assertEquals(want.get(k).get("box"), d.get("box"));
        assertEquals(want.get(k).get("score").asDouble(), d.get("score").asDouble(), 1e-5);
        String c = want.get(k).get("class").asText();
        if (c.endsWith("_EXPOSED") && want.get(k).get("score").asDouble() > 0.6) {
          exposed[0]++;
          anyNude = true;
          assertEquals("FEMALE_GENITALIA_EXPOSED", c); // the only exposed class the synthetic detector finds
        }
      }
      assertEquals(anyNude, pic.get("nude").asBoolean(), "img" + i);
      if (anyNude) nude++;
    }
    JsonNode s = got.get("summary");
    assertEquals(4, s.get("images").asInt());
    assertEquals(nude, s.get("nude_images").asInt());
    assertEquals(3, nude);
    assertEquals(0.75, s.get("nude_rate").asDouble(), 0.0);
    assertEquals(exposed[0], s.get("counts").get("FEMALE_GENITALIA_EXPOSED").asLong());
    assertEquals(exposed[0], s.get("total").asLong());
    assertEquals(0, s.get("counts").get("FEET_EXPOSED").asLong());
    assertTrue(r.out().contains("nude pictures: 3 of 4 (75.0%)"), r.out());
    assertTrue(r.out().matches("(?s).*\\nFEMALE_GENITALIA_EXPOSED +" + exposed[0] + "\\n.*"), r.out());
    assertTrue(r.out().contains("img0.png    256x256    135  yes   FEMALE_GENITALIA_EXPOSED 7 (0.78)"), r.out());
    System.out.println("[cli] score nudity at 0.6: " + exposed[0] + " exposed boxes, 3 of 4 nude\n" + r.out());
  }

  @Test
  void noJsonFileAndAHigherThreshold() {
    CliRun r = CliRun.of(args("detector.onnx", "--threshold", "0.95").toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("nude pictures: 0 of 4 (0.0%)"), r.out());
  }

  @Test
  void badInputsAreOneErrorLine(@TempDir Path tmp) throws IOException {
    CliRun.of(args("bad-classes.onnx").toArray(String[]::new))
        .assertUserError("bad-classes.onnx: not a NudeNet v3 detector: expected input float [1, 3, S, S] and output float [1, 22, A], found");
    CliRun.of(args("bad-dtype.onnx").toArray(String[]::new)).assertUserError("found input 'images' uint8 [1, 3, 320, 320]");
    Path text = Files.writeString(tmp.resolve("model.onnx"), "hello");
    CliRun.of("score", "nudity", "--model", text.toString(), "--image", DIR.resolve("images/img0.png").toString())
        .assertUserError("model.onnx: not an ONNX model ONNX Runtime can load");
    CliRun.of("score", "nudity", "--model", tmp.resolve("320n.onnx").toString(), "--image", DIR.resolve("images/img0.png").toString())
        .assertUserError("320n.onnx: no such file");
    Path json = tmp.resolve("out.json");
    CliRun.of("score", "nudity", "--model", DIR.resolve("detector.onnx").toString(), "--image",
        DIR.resolve("images/img0.png").toString(), tmp.resolve("nope.png").toString(), "--json", json.toString())
        .assertUserError("nope.png: no such image file");
    assertFalse(Files.exists(json));
    CliRun.of("score", "nudity", "--model", DIR.resolve("detector.onnx").toString(), "--image", text.toString())
        .assertUserError("model.onnx: not an image this program can read");
    CliRun.of(args("detector.onnx", "--threshold", "1.5").toArray(String[]::new)).assertUserError("--threshold must be in [0, 1], got 1.5");
    CliRun.of("score", "nudity", "--image", DIR.resolve("images/img0.png").toString()).assertUserError("Missing required option: '--model=ONNX'");
  }

  @Test
  void nudeNet342OnTheStaticDetector(@TempDir Path tmp) throws IOException {
    Path dir = Fixtures.path("fixtures/eval2/nudenet34");
    Path out = tmp.resolve("n34.json");
    CliRun r = CliRun.of("score", "nudity", "--model", dir.resolve("det640.onnx").toString(), "--nudenet", "3.4",
        "--inference-resolution", "640", "--image", DIR.resolve("images/img3.png").toString(), "--json", out.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode got = new ObjectMapper().readTree(out.toFile());
    assertEquals("3.4.2", got.get("nudenet_version").asText());
    assertEquals(640, got.get("input_size").asInt());
    JsonNode want = new ObjectMapper().readTree(dir.resolve("detections-640.json").toFile()).get("results").get("img3.png").get("detections");
    JsonNode d = got.get("images").get(0).get("detections");
    assertEquals(want.size(), d.size());
    for (int k = 0; k < want.size(); k++) {
      assertEquals(want.get(k).get("class").asText(), d.get(k).get("label").asText());
      assertEquals(want.get(k).get("box"), d.get(k).get("box"));
    }
    assertTrue(r.out().contains("3.4.2 processing (input 640)"), r.out());
    CliRun.of(args("detector.onnx", "--nudenet", "3.4.1").toArray(String[]::new))
        .assertUserError("Invalid value for option '--nudenet': unknown NudeNet version '3.4.1' (3.0.8, 3.4 (= 3.4.2))");
    CliRun.of("score", "nudity", "--model", dir.resolve("det640.onnx").toString(), "--nudenet", "3.4", "--image",
        DIR.resolve("images/img3.png").toString()).assertUserError("det640.onnx: the model takes 640x640 inputs but NudeNet 3.4.2 feeds inference_resolution 320");
  }
}
