package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code score style} on the fixture ViT (pytorch_model.bin): logits and pixel values in the file, top artists printed. */
class ScoreStyleCommandTest {
  static final Path DIR = Fixtures.path("fixtures/eval2/style-vit");

  @Test
  void writesLogits(@TempDir Path tmp) {
    Path out = tmp.resolve("style.safetensors");
    CliRun r = CliRun.of("score", "style", "--model", DIR.resolve("checkpoint").toString(), "--image",
        Fixtures.path("fixtures/eval/images/img3.png").toString(), "--top", "1", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    try (SafetensorsFile got = SafetensorsFile.open(out); SafetensorsFile g = SafetensorsFile.open(DIR.resolve("style-golden-small.safetensors"))) {
      float[] want = java.util.Arrays.copyOfRange(g.floats("logits"), 3 * 129, 4 * 129);
      Check.close("score style logits img3", want, got.floats("logits"), 1e-4 * 4.3);
      assertEquals("[1, 3, 224, 224]", java.util.Arrays.toString(got.info("pixel_values").shape()));
    }
    assertTrue(r.out().contains("img3.png\tvincent-van-gogh "), r.out()); // its top-1 picture
  }

  @Test
  void badInput(@TempDir Path tmp) throws java.io.IOException {
    Path empty = java.nio.file.Files.createDirectory(tmp.resolve("empty"));
    CliRun.of("score", "style", "--model", Fixtures.path("fixtures/eval/clip-model").toString(), "--image",
        Fixtures.path("fixtures/eval/images/img3.png").toString(), "--out", tmp.resolve("s.safetensors").toString())
        .assertUserError("not a ViTForImageClassification config (model_type 'clip')");
    CliRun.of("score", "style", "--model", empty.toString(), "--image", Fixtures.path("fixtures/eval/images/img3.png").toString(),
        "--out", tmp.resolve("s.safetensors").toString()).assertUserError("no config.json");
  }
}
