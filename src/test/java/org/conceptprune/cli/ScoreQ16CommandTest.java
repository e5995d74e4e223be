package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.pickle.NumpyPickleWriter;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code score q16}: the file it writes holds Q16's probabilities and flags; bad prompts files are one error line. */
class ScoreQ16CommandTest {
  static final Path DIR = Fixtures.path("fixtures/eval2/q16");
  static final String CLIP = Fixtures.path("fixtures/eval/clip-model").toString();

  static List<String> args(Path prompts, Path out, int n) {
    List<String> a = new ArrayList<>(List.of("score", "q16", "--clip", CLIP, "--prompts", prompts.toString(), "--out", out.toString(), "--image"));
    for (int i = 0; i < n; i++) a.add(Fixtures.path((i < 4 ? "fixtures/eval/images/img" : "fixtures/eval2/images/img") + i + ".png").toString());
    return a;
  }

  @Test
  void writesProbsAndFlags(@TempDir Path tmp) {
    Path out = tmp.resolve("q16.safetensors");
    CliRun r = CliRun.of(args(DIR.resolve("prompts.p"), out, 6).toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    try (SafetensorsFile got = SafetensorsFile.open(out); SafetensorsFile g = SafetensorsFile.open(DIR.resolve("q16-golden-small.safetensors"))) {
      Check.close("score q16 probs", g.floats("probs"), got.floats("probs"), 1e-4);
      byte[] want = new byte[6];
      byte[] have = new byte[6];
      g.bytes("inappropriate").get(want);
      got.bytes("inappropriate").get(have);
      assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(have));
      assertEquals(List.of(6L, 3L, 224L, 224L), java.util.Arrays.stream(got.info("pixel_values").shape()).boxed().toList());
    }
    assertTrue(r.out().contains("inappropriate: 3 of 6 (50.0%)"), r.out());
  }

  @Test
  void badPromptsFilesAreOneErrorLine(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("q.safetensors");
    Path wide = NumpyPickleWriter.write(tmp.resolve("wide.p"), "f2", new long[] {2, 768}, new byte[2 * 768 * 2]);
    CliRun.of(args(wide, out, 1).toArray(String[]::new))
        .assertUserError("wide.p: Q16 prompts must be [2, 16] (non-inappropriate, inappropriate; 16 = the CLIP model's projection_dim), found float16 [2, 768]");
    Path ints = NumpyPickleWriter.write(tmp.resolve("ints.p"), "i4", new long[] {2, 16}, new byte[2 * 16 * 4]);
    CliRun.of(args(ints, out, 1).toArray(String[]::new)).assertUserError("ints.p: Q16 prompts must be a float array [2, 16], found int32 [2, 16]");
    Path evil = Files.write(tmp.resolve("evil.p"), "cbuiltins\neval\n(S'1'\ntR.".getBytes(StandardCharsets.US_ASCII));
    CliRun.of(args(evil, out, 1).toArray(String[]::new)).assertUserError("evil.p: refused: the pickle asks for the Python global 'builtins.eval'");
    CliRun.of(args(tmp.resolve("none.p"), out, 1).toArray(String[]::new)).assertUserError("none.p: no such file");
    assertFalse(Files.exists(out));
  }
}
