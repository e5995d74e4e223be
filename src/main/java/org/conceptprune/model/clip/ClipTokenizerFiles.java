package org.conceptprune.model.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.util.UserError;

/** Reads the files of a transformers CLIP tokenizer folder (vocab.json, merges.txt, token configs). */
final class ClipTokenizerFiles {
  /** transformers keeps {@code merges[1 : 49152 - 256 - 2 + 1]} of the stripped, '\n'-split merges.txt. */
  static final int MERGES_END = 49152 - 256 - 2 + 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An added token as the slow tokenizer sees it (single_word/normalized have no effect for CLIP). */
  record AddedToken(String content, boolean lstrip, boolean rstrip) {}

  private ClipTokenizerFiles() {}

  static Path require(Path dir, String name) {
    Path p = dir.resolve(name);
    if (!Files.isRegularFile(p)) throw new UserError("tokenizer file not found: " + p);
    return p;
  }

  static JsonNode readJson(Path p) {
    try {
      return JSON.readTree(p.toFile());
    } catch (IOException e) {
      throw new UserError("cannot read tokenizer file " + p + ": " + e.getMessage(), e);
    }
  }

  /** vocab.json: token -> id. */
  static Map<String, Integer> readVocab(Path p) {
    JsonNode root = readJson(p);
    if (!root.isObject()) throw new UserError("vocab.json is not a JSON object: " + p);
    Map<String, Integer> vocab = new HashMap<>(root.size() * 2);
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      vocab.put(e.getKey(), e.getValue().asInt());
    }
    return vocab;
  }

  /**
   * merges.txt -> rank by {@code "first second"}: {@code read().strip().split("\n")[1:48895]}, each line
   * whitespace-split; a pair seen twice keeps its later rank ({@code dict(zip(merges, range(...)))}).
   */
  static Map<String, Integer> readMerges(Path p) {
    String text;
    try {
      text = Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError("cannot read tokenizer file " + p + ": " + e.getMessage(), e);
    }
    String[] lines = text.strip().split("\n", -1);
    Map<String, Integer> ranks = new HashMap<>(lines.length * 2);
    int end = Math.min(lines.length, MERGES_END);
    for (int i = 1; i < end; i++) {
      String[] parts = lines[i].strip().split("\\s+");
      if (parts.length == 2) ranks.put(parts[0] + " " + parts[1], i - 1);
    }
    return ranks;
  }

  /**
   * The effective init kwargs: tokenizer_config.json, and - only for legacy configs without
   * {@code added_tokens_decoder} - special_tokens_map.json overriding its keys (transformers' from_pretrained).
   */
  static ObjectNode effectiveConfig(Path dir) {
    Path cfgPath = require(dir, "tokenizer_config.json");
    JsonNode cfg = readJson(cfgPath);
    ObjectNode merged = JsonNodeFactory.instance.objectNode();
    if (cfg.isObject()) merged.setAll((ObjectNode) cfg);
    Path mapPath = dir.resolve("special_tokens_map.json");
    if (!merged.has("added_tokens_decoder") && Files.isRegularFile(mapPath)) {
      JsonNode map = readJson(mapPath);
      if (map.isObject()) merged.setAll((ObjectNode) map);
    }
    return merged;
  }

  /** A special-token value: a string or an {@code {"content": ...}} object; null when absent or null. */
  static AddedToken token(JsonNode v) {
    if (v == null || v.isNull()) return null;
    if (v.isTextual()) return new AddedToken(v.asText(), false, false);
    if (v.isObject() && v.hasNonNull("content")) {
      return new AddedToken(
          v.get("content").asText(), v.path("lstrip").asBoolean(false), v.path("rstrip").asBoolean(false));
    }
    return null;
  }

  /** {@code added_tokens_decoder}: id -> token, in file order. */
  static Map<Integer, AddedToken> addedTokensDecoder(JsonNode cfg) {
    Map<Integer, AddedToken> out = new LinkedHashMap<>();
    JsonNode dec = cfg.path("added_tokens_decoder");
    for (Iterator<Map.Entry<String, JsonNode>> it = dec.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      AddedToken t = token(e.getValue());
      if (t != null) out.put(Integer.parseInt(e.getKey().trim()), t);
    }
    return out;
  }

  /** {@code additional_special_tokens} (strings or objects). */
  static List<AddedToken> additionalSpecialTokens(JsonNode cfg) {
    List<AddedToken> out = new ArrayList<>();
    for (JsonNode v : cfg.path("additional_special_tokens")) {
      AddedToken t = token(v);
      if (t != null) out.add(t);
    }
    return out;
  }
}
