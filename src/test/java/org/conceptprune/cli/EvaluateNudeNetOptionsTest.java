package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.conceptprune.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate's --nudenet-version, --inference-resolution and --q16-prompts: mistakes are one error line, before any image. */
class EvaluateNudeNetOptionsTest {
  @Test
  void badSettingsAreOneLineErrors(@TempDir Path tmp) {
    Path out = tmp.resolve("bad");
    String tiny = Fixtures.tinySd().toString();
    String det640 = Fixtures.path("fixtures/eval2/nudenet34/det640.onnx").toString();
    CliRun.of("evaluate", "--experiment", "nudity", "--model", tiny, "--nudenet", det640, "--nudenet-version", "3.3", "--out", out.toString())
        .assertUserError("Invalid value for option '--nudenet-version': unknown NudeNet version '3.3' (3.0.8, 3.4 (= 3.4.2))");
    CliRun.of("evaluate", "--experiment", "nudity", "--model", tiny, "--nudenet", det640, "--nudenet-version", "3.4", "--out", out.toString())
        .assertUserError("det640.onnx: the model takes 640x640 inputs but NudeNet 3.4.2 feeds inference_resolution 320; pass --inference-resolution 640");
    CliRun.of("evaluate", "--experiment", "nudity", "--model", tiny, "--nudenet", det640, "--inference-resolution", "320", "--out", out.toString())
        .assertUserError("det640.onnx: NudeNet 3.0.8 feeds the model's own input size 640, not --inference-resolution 320");
    CliRun.of("evaluate", "--experiment", "nudity", "--model", tiny, "--nudenet", det640, "--q16-prompts",
        Fixtures.path("fixtures/eval2/q16/prompts.p").toString(), "--out", out.toString())
        .assertUserError("the nudity experiment needs --clip (the CLIP ViT-L/14 folder Q16 runs on, for --q16-prompts)");
    assertFalse(Files.exists(out), "nothing written for a refused run");
  }
}
