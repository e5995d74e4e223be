package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code score clip}: the output contract, against the transformers goldens, and its user errors. */
class ScoreClipCliTest {
  static final Path MODEL = Fixtures.path("fixtures/eval/clip-model");
  static final List<String> PROMPTS =
      List.of("a photo of a cat", "a painting in the style of Van Gogh", "an image of a tench", "a church");

  @TempDir Path tmp;

  static List<String> images() {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < 4; i++) l.add(Fixtures.path("fixtures/eval/images/img" + i + ".png").toString());
    return l;
  }

  static List<String> args(Object... parts) {
    List<String> a = new ArrayList<>(List.of("score", "clip", "--model", MODEL.toString()));
    for (Object p : parts) {
      if (p instanceof List<?> l) for (Object o : l) a.add(o.toString());
      else a.add(p.toString());
    }
    return a;
  }

  static CliRun run(List<String> a) {
    return CliRun.of(a.toArray(String[]::new));
  }

  @Test
  void writesTheContractTensorsAndJson() throws IOException {
    Path out = tmp.resolve("clip.safetensors");
    Path json = tmp.resolve("clip.json");
    CliRun r = run(args("--image", images(), "-p", PROMPTS, "--class", "cat", "church", "--out", out, "--json", json));
    assertEquals(0, r.code(), r.err() + r.out());
    try (SafetensorsFile o = SafetensorsFile.open(out);
        SafetensorsFile g = SafetensorsFile.open(Fixtures.path("fixtures/eval/clip-golden.safetensors"))) {
      assertArrayEquals(new long[] {4, 3, 224, 224}, o.info("pixel_values").shape());
      assertArrayEquals(new long[] {4, 16}, o.info("image_embeds").shape());
      assertArrayEquals(new long[] {4, 16}, o.info("text_embeds").shape());
      assertArrayEquals(new long[] {4}, o.info("cosine").shape());
      assertArrayEquals(new long[] {4, 2}, o.info("zero_shot_probs").shape());
      Check.close("cli pixel_values", g.floats("pixel_values"), o.floats("pixel_values"), 1e-6);
      Check.close("cli image_embeds", g.floats("image_embeds"), o.floats("image_embeds"), 2e-4);
      Check.close("cli text_embeds", g.floats("text_embeds"), o.floats("text_embeds"), 3e-4);
      Check.close("cli cosine", g.floats("cosine"), o.floats("cosine"), 1e-5);
      Check.close("cli clip_score", g.floats("clip_score"), o.floats("clip_score"), 1e-3);
      float[] p = o.floats("zero_shot_probs");
      long[] cls = o.longs("zero_shot_class");
      for (int i = 0; i < 4; i++) {
        assertEquals(1.0, p[2 * i] + p[2 * i + 1], 1e-5);
        assertEquals(p[2 * i + 1] > p[2 * i] ? 1 : 0, cls[i]);
      }
      JsonNode j = new ObjectMapper().readTree(json.toFile());
      float[] scores = g.floats("clip_score");
      float[] cos = g.floats("cosine");
      double mean = 0;
      for (int i = 0; i < 4; i++) {
        JsonNode row = j.get("images").get(i);
        assertEquals(PROMPTS.get(i), row.get("prompt").asText());
        assertEquals(scores[i], row.get("clip_score").asDouble(), 1e-3);
        assertEquals(cls[i] == 0 ? "cat" : "church", row.get("class").asText());
        mean += 100.0 * cos[i] / 4;
      }
      assertEquals(Math.max(mean, 0), j.get("clip_score_mean").asDouble(), 1e-3);
      assertEquals("a photo of the {}", j.get("template").asText());
    }
    assertTrue(r.out().contains("CLIPScore"), r.out());
  }

  @Test
  void onePromptServesEveryImage() {
    Path out = tmp.resolve("one.safetensors");
    CliRun r = run(args("--image", images().subList(0, 2), "-p", "a church", "--out", out, "--no-pixel-values"));
    assertEquals(0, r.code(), r.err());
    try (SafetensorsFile o = SafetensorsFile.open(out);
        SafetensorsFile g = SafetensorsFile.open(Fixtures.path("fixtures/eval/clip-golden.safetensors"))) {
      assertFalse(o.tensors().containsKey("pixel_values"));
      assertArrayEquals(new long[] {2, 16}, o.info("image_embeds").shape());
      float[] t = o.floats("text_embeds");
      float[] church = java.util.Arrays.copyOfRange(g.floats("text_embeds"), 3 * 16, 4 * 16);
      Check.close("row 0 = 'a church'", church, java.util.Arrays.copyOfRange(t, 0, 16), 3e-4);
      Check.close("row 1 = 'a church'", church, java.util.Arrays.copyOfRange(t, 16, 32), 3e-4);
    }
  }

  @Test
  void userErrors() throws IOException {
    Path out = tmp.resolve("x.safetensors");
    run(args("--image", images(), "-p", PROMPTS.subList(0, 3), "--out", out))
        .assertUserError("4 image(s) but 3 prompts: give one prompt per image");
    run(args("--image", images(), "--out", out)).assertUserError("nothing to score");
    run(args("--image", images().get(0), "--class", "cat", "--template", "cat photo", "--out", out))
        .assertUserError("has no {} for the class name");
    run(args("--image", tmp.resolve("missing.png"), "-p", "x", "--out", out)).assertUserError("missing.png: no such image file");
    CliRun.of("score", "clip", "--model", Fixtures.tinySd().resolve("text_encoder").toString(), "--image", images().get(0),
        "-p", "x", "--out", out.toString()).assertUserError("not a CLIPModel config (model_type 'clip_text_model'");
    Path noPre = tmp.resolve("no-pre");
    Files.createDirectories(noPre);
    try (var s = Files.list(MODEL)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        if (!f.getFileName().toString().equals("preprocessor_config.json")) Files.createSymbolicLink(noPre.resolve(f.getFileName()), f);
      }
    }
    CliRun.of("score", "clip", "--model", noPre.toString(), "--image", images().get(0), "-p", "x", "--out", out.toString())
        .assertUserError("no-pre: no preprocessor_config.json");
    Path copy = tmp.resolve("img.png");
    Files.copy(Path.of(images().get(0)), copy);
    byte[] before = Files.readAllBytes(copy);
    run(args("--image", copy, "-p", "x", "--out", copy)).assertUserError("is --image");
    assertArrayEquals(before, Files.readAllBytes(copy));
    assertFalse(Files.exists(out));
  }
}
