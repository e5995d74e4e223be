package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.ImageNetClasses;
import org.conceptprune.eval.ProceduralSource;
import org.conceptprune.eval.ResNet50;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.TensorInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code score classify} end to end on the fixture PNGs with the golden's procedural ResNet-50. */
class ScoreClassifyCliTest {
  @TempDir static Path tmp;
  private static Path weights;

  /** The procedural weights (seed 1) as a torchvision-style safetensors, counters included. */
  @BeforeAll
  static void writeWeights() {
    weights = tmp.resolve("resnet50-procedural.safetensors");
    SafetensorsWriter w = new SafetensorsWriter();
    try (ProceduralSource src = ProceduralSource.of(new ResNet50(1000), 1)) {
      for (TensorInfo t : src.tensors().values()) {
        w.addFloats(t.name(), t.shape(), src.floats(t.name()));
        if (t.name().endsWith("running_var")) {
          w.addLongs(t.name().replace("running_var", "num_batches_tracked"), new long[0], new long[] {0});
        }
      }
    }
    w.write(weights);
  }

  private static String image(int i) {
    return Fixtures.path("fixtures/eval/images/img" + i + ".png").toString();
  }

  @Test
  void classifiesTheFixturePicturesAsTorchvision() throws IOException {
    Path out = tmp.resolve("scores.safetensors");
    Path json = tmp.resolve("scores.json");
    CliRun r = CliRun.of("score", "classify", "--model", weights.toString(), "--image", image(0), image(1), image(2),
        "--image", image(3), "--out", out.toString(), "--json", json.toString(), "--top", "3", "--batch-size", "3");
    assertEquals(0, r.code(), r.err());
    float[] golden;
    try (SafetensorsFile g = SafetensorsFile.open(Fixtures.path("fixtures/eval/resnet50-golden.safetensors"));
        SafetensorsFile o = SafetensorsFile.open(out)) {
      assertArrayEquals(new long[] {4, 3, 224, 224}, o.info("pixel_values").shape());
      assertArrayEquals(new long[] {4, 1000}, o.info("logits").shape());
      Check.close("cli pixel_values", g.floats("pixel_values"), o.floats("pixel_values"), 0);
      golden = g.floats("logits");
      Check.close("cli logits", golden, o.floats("logits"), 1e-4 * 0.385);
    }
    JsonNode j = new ObjectMapper().readTree(json.toFile());
    assertEquals(4, j.get("images").size());
    for (int i = 0; i < 4; i++) {
      JsonNode img = j.get("images").get(i);
      assertEquals(image(i), img.get("image").asText());
      JsonNode t = img.get("top");
      assertEquals(3, t.size());
      int best = argmax(golden, i * 1000, 1000);
      assertEquals(best, t.get(0).get("index").asInt());
      assertEquals(ImageNetClasses.names().get(best), t.get(0).get("name").asText());
      assertEquals(golden[i * 1000 + best], t.get(0).get("logit").floatValue(), 1e-4);
      assertTrue(t.get(0).get("prob").asDouble() >= t.get(1).get("prob").asDouble());
      assertTrue(t.get(1).get("prob").asDouble() >= t.get(2).get("prob").asDouble());
      assertTrue(r.out().contains(ImageNetClasses.names().get(best)), r.out());
    }
  }

  @Test
  void aTorchSavePthGivesTheSameLogitsAsItsSafetensors() throws Exception {
    Path pth = tmp.resolve("resnet50.pth");
    try (var src = org.conceptprune.io.safetensors.SafetensorsFile.open(weights)) {
      org.conceptprune.io.pickle.TorchSave.saveZip(src, pth, false, false);
    }
    Path a = tmp.resolve("from-safetensors.safetensors");
    Path b = tmp.resolve("from-pth.safetensors");
    assertEquals(0, CliRun.of("score", "classify", "--model", weights.toString(), "--image", image(1), "--out", a.toString()).code());
    CliRun r = CliRun.of("score", "classify", "--model", pth.toString(), "--image", image(1), "--out", b.toString());
    assertEquals(0, r.code(), r.err());
    try (var fa = org.conceptprune.io.safetensors.SafetensorsFile.open(a); var fb = org.conceptprune.io.safetensors.SafetensorsFile.open(b)) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(fa.floats("logits"), fb.floats("logits"));
    }
  }

  @Test
  void refusesAnotherKindOfModelInOneLine() {
    Path out = tmp.resolve("x.safetensors");
    CliRun.of("score", "classify", "--model", Fixtures.path("fixtures/eval/clip-model/model.safetensors").toString(),
        "--image", image(0), "--out", out.toString())
        .assertUserError("not a torchvision ResNet-50 state dict: 267 of 267 tensors missing (conv1.weight");
    assertTrue(!Files.exists(out));
  }

  @Test
  void badInputsAreOneLineErrors() {
    String o = tmp.resolve("y.safetensors").toString();
    CliRun.of("score", "classify", "--model", weights.toString(), "--image", tmp.resolve("nope.png").toString(),
        "--out", o).assertUserError("no such image file");
    CliRun.of("score", "classify", "--model", tmp.resolve("nope.safetensors").toString(), "--image", image(0),
        "--out", o).assertUserError("no such file");
    CliRun.of("score", "classify", "--model", "resnet50.pth", "--image", image(0), "--out", o)
        .assertUserError("resnet50.pth: no such file");
    CliRun.of("score", "classify", "--model", weights.toString(), "--image", image(0), "--out", o, "--top", "0")
        .assertUserError("--top must be at least 1");
    CliRun.of("score", "classify", "--model", weights.toString(), "--image", image(0), "--out", weights.toString())
        .assertUserError("is --model");
    CliRun.of("score", "classify", "--model", weights.toString(), "--out", o).assertUserError("--image");
  }

  @Test
  void classNamesAreTorchvisions() {
    var names = ImageNetClasses.names();
    assertEquals(1000, names.size());
    assertEquals("tench", names.get(0));
    assertEquals("English springer", names.get(217));
    assertEquals("chain saw", names.get(491));
    assertEquals("crane bird", names.get(134));
    assertEquals("crane", names.get(517));
    assertEquals("toilet tissue", names.get(999));
  }

  private static int argmax(float[] a, int off, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) if (a[off + i] > a[off + best]) best = i;
    return best;
  }
}
