package org.conceptprune.model.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipTokenizerTest {
  /** index.json files hold Python's NaN/-Infinity in other notes. */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  private static ClipTokenizer tiny;
  private static ClipTokenizer real;

  @BeforeAll
  static void load() {
    tiny = ClipTokenizer.load(Fixtures.path("fixtures/tiny-sd/tokenizer"));
    real = ClipTokenizer.load(Fixtures.path("conceptprune/tokenizer"));
  }

  private static long[] row(long[] all, int r, int width) {
    return Arrays.copyOfRange(all, r * width, (r + 1) * width);
  }

  private static List<String> strings(JsonNode arr) {
    List<String> out = new ArrayList<>();
    arr.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void tinyTokenizerMatchesGolden() throws Exception {
    JsonNode notes = JSON.readTree(Fixtures.path("fixtures/golden-sd1/index.json").toFile()).get("notes");
    List<String> prompts = strings(notes.get("prompts"));
    try (SafetensorsFile st = SafetensorsFile.open(Fixtures.path("fixtures/golden-sd1/tokenizer.safetensors"))) {
      long[] ids = st.longs("input_ids");
      assertArrayEquals(new long[] {prompts.size(), 77}, st.info("input_ids").shape());
      for (int i = 0; i < prompts.size(); i++) {
        ClipTokenizer.Encoding enc = tiny.encode(prompts.get(i));
        assertArrayEquals(row(ids, i, 77), enc.ids(), "prompt " + i);
        assertEquals(strings(notes.get("tokenizer_tokens").get(i)), enc.tokens(), "tokens of prompt " + i);
      }
    }
    assertEquals(926, tiny.bosId());
    assertEquals(927, tiny.eosId());
    assertEquals(927, tiny.padId());
    assertEquals(928, tiny.vocabSize());
    assertEquals(77, tiny.maxLength());
  }

  @Test
  void realSd1TokenizerMatchesAll120Goldens() throws Exception {
    JsonNode exposed = JSON.readTree(Fixtures.path("fixtures/tokenizer-sd/exposed.json").toFile());
    JsonNode records = exposed.get("records");
    List<String> mismatches = new ArrayList<>();
    try (SafetensorsFile st = SafetensorsFile.open(Fixtures.path("fixtures/tokenizer-sd/exposed.safetensors"))) {
      long[] ids = st.longs("input_ids");
      assertEquals(120, st.info("input_ids").shape()[0]);
      assertEquals(records.size(), st.info("input_ids").shape()[0]);
      for (int i = 0; i < records.size(); i++) {
        JsonNode r = records.get(i);
        String prompt = r.get("prompt").asText();
        ClipTokenizer.Encoding enc = real.encode(prompt);
        if (!Arrays.equals(row(ids, i, 77), enc.ids())) mismatches.add(i + " ids");
        if (r.hasNonNull("bpe_tokens") && !strings(r.get("bpe_tokens")).equals(real.bpeTokens(prompt))) {
          mismatches.add(i + " bpe_tokens");
        }
        if (r.get("truncated").asBoolean() != enc.truncated()) mismatches.add(i + " truncated");
        if (r.get("n_tokens_untruncated").asInt() != enc.untruncatedLength()) mismatches.add(i + " length");
      }
    }
    assertEquals(List.of(), mismatches);
    assertEquals(49406, real.bosId());
    assertEquals(49407, real.eosId());
    assertEquals(49407, real.padId());
    assertEquals(49408, real.vocabSize());
  }

  @Test
  void truncationKeepsEosLast() {
    String prompt = "a photo of a cat ".repeat(30);
    ClipTokenizer.Encoding enc = real.encode(prompt);
    assertTrue(enc.truncated());
    assertEquals(2 + 5 * 30, enc.untruncatedLength());
    assertEquals(77, enc.ids().length);
    assertEquals(77, enc.tokens().size());
    assertEquals(real.bosId(), enc.ids()[0]);
    assertEquals(real.eosId(), enc.ids()[76]);
    assertEquals("<|endoftext|>", enc.tokens().get(76));
    assertEquals(real.bpeTokens(prompt).subList(0, 75), enc.tokens().subList(1, 76));

    ClipTokenizer.Encoding exact = real.encode("a ".repeat(75));
    assertFalse(exact.truncated());
    assertEquals(77, exact.untruncatedLength());
    assertEquals(real.eosId(), exact.ids()[76]);
  }

  @Test
  void emptyStringIsBosEosThenPadding() {
    ClipTokenizer.Encoding enc = real.encode("");
    assertEquals(List.of("<|startoftext|>", "<|endoftext|>"), enc.tokens());
    assertFalse(enc.truncated());
    assertEquals(2, enc.untruncatedLength());
    long[] expected = new long[77];
    Arrays.fill(expected, 49407);
    expected[0] = 49406;
    assertArrayEquals(expected, enc.ids());
    assertEquals(List.of(), real.bpeTokens("  \t\n "));
  }

  @Test
  void literalSpecialTokensMapToTheirIds() {
    assertEquals(List.of("a</w>", "<|endoftext|>", "cat</w>"), real.bpeTokens("a<|endoftext|>cat"));
    ClipTokenizer.Encoding enc = real.encode("<|startoftext|>dog");
    assertEquals(List.of(49406L, 49406L), List.of(enc.ids()[0], enc.ids()[1]));
    // upper case misses the (case-sensitive) added-token split, but BasicTokenizer lower-cases it and the
    // BPE cache maps "<|endoftext|>" to itself, so it still becomes the eos id
    assertEquals(List.of("<|endoftext|>"), real.bpeTokens("<|ENDOFTEXT|>"));
  }

  @Test
  void padTokenIsReadFromConfig(@TempDir Path dir) throws Exception {
    Path src = Fixtures.path("conceptprune/tokenizer");
    Files.copy(src.resolve("vocab.json"), dir.resolve("vocab.json"));
    Files.copy(src.resolve("merges.txt"), dir.resolve("merges.txt"));
    Files.writeString(
        dir.resolve("tokenizer_config.json"),
        "{\"bos_token\": {\"content\": \"<|startoftext|>\"}, \"eos_token\": \"<|endoftext|>\","
            + " \"unk_token\": \"<|endoftext|>\", \"pad_token\": \"!\", \"model_max_length\": 77}");
    ClipTokenizer sd2 = ClipTokenizer.load(dir);
    assertEquals(0, sd2.padId());
    ClipTokenizer.Encoding enc = sd2.encode("a photo of a cat");
    assertEquals(49407, enc.ids()[6]);
    for (int i = 7; i < 77; i++) assertEquals(0, enc.ids()[i], "pad at " + i);
    // "!" is a special token there, so transformers' added-token trie splits it out of the text
    assertEquals(List.of("wow</w>", "!", "!"), sd2.bpeTokens("wow!!"));
    assertEquals(List.of("wow</w>", "!!</w>"), real.bpeTokens("wow!!"));
  }

  @Test
  void hugeOrMissingModelMaxLengthFallsBackTo77(@TempDir Path dir) throws Exception {
    Path src = Fixtures.path("fixtures/tiny-sd/tokenizer");
    Files.copy(src.resolve("vocab.json"), dir.resolve("vocab.json"));
    Files.copy(src.resolve("merges.txt"), dir.resolve("merges.txt"));
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 1000000000000000019884624838656}");
    ClipTokenizer t = ClipTokenizer.load(dir);
    assertEquals(77, t.maxLength());
    assertEquals(926, t.bosId());
    assertEquals(927, t.padId());
  }

  @Test
  void missingFilesAreUserErrors(@TempDir Path dir) {
    UserError e = assertThrows(UserError.class, () -> ClipTokenizer.load(dir));
    assertTrue(e.getMessage().contains(dir.resolve("vocab.json").toString()), e.getMessage());
  }

  @Test
  void cleanerFollowsBasicTokenizer() {
    assertEquals("a b", ClipTextCleaner.clean("A\u00a0\u200bB"));
    assertEquals("x 一 只 y", ClipTextCleaner.clean("x一只y"));
    assertEquals("caf\u00e9", ClipTextCleaner.clean("CAFE\u0301"));
    assertEquals("a b", ClipTextCleaner.clean("a\u2028b\u0000\ufffd"));
  }
}
