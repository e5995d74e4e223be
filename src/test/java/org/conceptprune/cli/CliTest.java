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
import java.util.Arrays;
import java.util.List;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  // index.json holds -Infinity in scheduler notes
  private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  /** conceptprune-sd1/calib_inputs.safetensors A.*.base row 0 is this prompt, through the tiny-sd tokenizer. */
  private static final String CAT = "a photo of a cat";
  private static final int GOLDEN_LONG = 5; // golden-sd1 notes.prompts[5], longer than 77 tokens
  private static final int GOLDEN_ASTRONAUT = 0;

  @TempDir Path tmp;

  private static String tinySd() {
    return Fixtures.tinySd().toString();
  }

  private static long[] row(long[] a, int r, int width) {
    return Arrays.copyOfRange(a, r * width, (r + 1) * width);
  }

  private static float[] row(float[] a, int r, int width) {
    return Arrays.copyOfRange(a, r * width, (r + 1) * width);
  }

  private static List<String> goldenPrompts() throws IOException {
    JsonNode p = JSON.readTree(Fixtures.golden("index.json").toFile()).get("notes").get("prompts");
    return JSON.convertValue(p, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
  }

  @Test
  void inspectListsTheSixFfn2Layers() throws IOException {
    CliRun r = CliRun.of("inspect", tinySd());
    assertEquals(0, r.code(), r.err());
    for (String block : List.of("down_blocks.0.attentions.0", "down_blocks.0.attentions.1", "mid_block.attentions.0",
        "up_blocks.1.attentions.0", "up_blocks.1.attentions.1", "up_blocks.1.attentions.2")) {
      assertTrue(r.out().contains(block + ".transformer_blocks.0.ff.net.2"), block + " missing in\n" + r.out());
    }
    assertTrue(r.out().contains("FFN-2 layers (ff.net.2.weight): 6"), r.out());
    assertTrue(r.out().contains("UNet2DConditionModel"), r.out());

    JsonNode j = JSON.readTree(CliRun.of("inspect", "--json", tinySd()).out());
    assertEquals("StableDiffusionPipeline", j.get("pipeline_class").asText());
    assertEquals(6, j.get("ffn2_layers").size());
    assertEquals(6, j.get("totals").get("ffn2_layers").asInt());
    // [out, in]: 4 x 32 = 128 neurons per down/up layer, 4 x 64 = 256 in the mid block
    assertEquals(5 * 128 + 256, j.get("totals").get("ffn2_neurons").asLong());
    JsonNode mid = j.get("ffn2_layers").get(2);
    assertEquals("mid_block.attentions.0.transformer_blocks.0.ff.net.2", mid.get("name").asText());
    assertEquals("[64,256]", mid.get("shape").toString());
    long sum = 0;
    for (JsonNode c : j.get("components")) if (!c.get("parameters").isNull()) sum += c.get("parameters").asLong();
    assertEquals(sum, j.get("totals").get("parameters").asLong());
  }

  @Test
  void tokenizeJsonGivesGoldenIds() throws IOException {
    CliRun r = CliRun.of("tokenize", "--json", tinySd(), CAT);
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    String[] lines = r.out().strip().split("\\R");
    assertEquals(1, lines.length);
    JsonNode j = JSON.readTree(lines[0]);
    try (SafetensorsFile g = SafetensorsFile.open(Fixtures.path("fixtures/conceptprune-sd1/calib_inputs.safetensors"))) {
      long[] ids = JSON.convertValue(j.get("ids"), long[].class);
      assertArrayEquals(row(g.longs("A.input_ids.base"), 0, 77), ids);
    }
    assertEquals(CAT, j.get("prompt").asText());
    assertFalse(j.get("truncated").asBoolean());
    assertEquals(7, j.get("length").asInt());
    assertEquals("[\"<|startoftext|>\",\"a</w>\",\"photo</w>\",\"of</w>\",\"a</w>\",\"cat</w>\",\"<|endoftext|>\"]",
        j.get("tokens").toString());
  }

  @Test
  void tokenizeWarnsWhenTruncatingAndReadsPromptsFile() throws IOException {
    List<String> prompts = goldenPrompts();
    Path f = tmp.resolve("prompts.txt");
    Files.writeString(f, prompts.get(GOLDEN_ASTRONAUT) + "\n\n" + prompts.get(GOLDEN_LONG) + "\n");
    CliRun r = CliRun.of("tokenize", tinySd(), "--json", "--prompts-file", f.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().startsWith("warning: prompt 2 truncated to 77 tokens"), r.err());
    String[] lines = r.out().strip().split("\\R");
    assertEquals(2, lines.length);
    try (SafetensorsFile g = SafetensorsFile.open(Fixtures.golden("tokenizer.safetensors"))) {
      long[] golden = g.longs("input_ids");
      assertArrayEquals(row(golden, GOLDEN_ASTRONAUT, 77), JSON.convertValue(JSON.readTree(lines[0]).get("ids"), long[].class));
      JsonNode longOne = JSON.readTree(lines[1]);
      assertTrue(longOne.get("truncated").asBoolean());
      assertEquals(77, longOne.get("length").asInt());
      assertArrayEquals(row(golden, GOLDEN_LONG, 77), JSON.convertValue(longOne.get("ids"), long[].class));
    }
    // Plain text output, a tokenizer folder given directly.
    CliRun t = CliRun.of("tokenize", Fixtures.tinySd().resolve("tokenizer").toString(), CAT);
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("tokens: <|startoftext|> a</w> photo</w> of</w> a</w> cat</w> <|endoftext|>"), t.out());
  }

  @Test
  void encodeMatchesTransformers() throws IOException {
    List<String> prompts = goldenPrompts();
    Path out = tmp.resolve("sub/embeds.safetensors");
    CliRun r = CliRun.of("encode", tinySd(), "--prompt", CAT, "--prompt", prompts.get(GOLDEN_ASTRONAUT),
        "--batch-size", "1", "--out", out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    try (SafetensorsFile e = SafetensorsFile.open(out);
        SafetensorsFile calib = SafetensorsFile.open(Fixtures.path("fixtures/conceptprune-sd1/calib_inputs.safetensors"));
        SafetensorsFile g = SafetensorsFile.open(Fixtures.golden("text_encoder.safetensors"))) {
      int d = 32;
      assertArrayEquals(new long[] {2, 77, d}, e.info("text_encoder.last_hidden_state").shape());
      assertArrayEquals(new long[] {2, d}, e.info("text_encoder.pooled").shape());
      assertEquals(DType.I64, e.info("text_encoder.input_ids").dtype());
      float[] last = e.floats("text_encoder.last_hidden_state");
      Check.close("cat last_hidden_state", row(calib.floats("A.prompt_embeds.base"), 0, 77 * d), row(last, 0, 77 * d), 1e-5);
      Check.close("astronaut last_hidden_state", row(g.floats("last_hidden_state"), GOLDEN_ASTRONAUT, 77 * d),
          row(last, 1, 77 * d), 1e-5);
      Check.close("astronaut pooled", row(g.floats("pooler_output"), GOLDEN_ASTRONAUT, d),
          row(e.floats("text_encoder.pooled"), 1, d), 1e-5);
      for (int i = 0; i <= 5; i++) {
        Check.close("astronaut hidden_states." + i, row(g.floats("hidden_states." + i), GOLDEN_ASTRONAUT, 77 * d),
            row(e.floats("text_encoder.hidden_states." + i), 1, 77 * d), 1e-5);
      }
      assertFalse(e.tensors().containsKey("text_encoder.hidden_states.6"));
      assertArrayEquals(row(g.longs("input_ids"), GOLDEN_ASTRONAUT, 77), row(e.longs("text_encoder.input_ids"), 1, 77));
    }
  }

  @Test
  void userMistakesExitTwoWithOneLine() throws IOException {
    String missing = tmp.resolve("no-such-model").toString();
    CliRun.of("inspect", missing).assertUserError("no such model folder");
    CliRun.of("tokenize", missing, CAT).assertUserError("no such model folder");

    // A folder with the components but no model_index.json: tokenize works, encode refuses.
    Path noIndex = tmp.resolve("no-index");
    Files.createDirectories(noIndex.resolve("tokenizer"));
    try (var s = Files.list(Fixtures.tinySd().resolve("tokenizer"))) {
      for (Path p : s.toList()) Files.copy(p, noIndex.resolve("tokenizer").resolve(p.getFileName()));
    }
    assertEquals(0, CliRun.of("tokenize", noIndex.toString(), CAT).code());
    CliRun.of("encode", noIndex.toString(), "--prompt", CAT, "--out", tmp.resolve("x.safetensors").toString())
        .assertUserError("model_index.json");

    Path weights = Fixtures.tinySd().resolve("text_encoder/model.safetensors");
    byte[] before = Files.readAllBytes(weights);
    CliRun.of("encode", tinySd(), "--prompt", CAT, "--out", weights.toString()).assertUserError("lies inside the input model");
    assertArrayEquals(before, Files.readAllBytes(weights));

    CliRun.of("encode", tinySd(), "--prompt", CAT).assertUserError("--out");
    CliRun.of("inspect", tinySd(), "--no-such-option").assertUserError("--no-such-option");
    CliRun.of("tokenize", tinySd()).assertUserError("no prompts");
    CliRun.of("--threads", "0", "inspect", tinySd()).assertUserError("--threads");
    CliRun.of("--precision", "fp16", "inspect", tinySd()).assertUserError("--precision");
    CliRun.of("tokenize", tinySd(), "--tokenizer", "tokenizer_2", CAT).assertUserError("tokenizer_2");
  }
}
