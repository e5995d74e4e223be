package org.conceptprune.model.clip;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.model.clip.ClipTokenizerFiles.AddedToken;

/**
 * A CLIP byte-level BPE tokenizer that reproduces transformers' slow {@code CLIPTokenizer} (v4.57) running
 * WITHOUT ftfy, called as {@code tok(text, padding="max_length", max_length=model_max_length, truncation=True)}.
 *
 * <ol>
 *   <li>{@code PreTrainedTokenizer.tokenize}: added/special tokens written literally in the text are split out
 *       first (the added-token trie: earliest, then longest match; case-sensitive) and keep their ids.
 *   <li>{@code CLIPTokenizer._tokenize} on each remaining segment: {@link ClipTextCleaner} (BasicTokenizer
 *       clean-up, the no-ftfy path), then the CLIP regex and byte-level BPE ({@link ClipBpe}).
 *   <li>{@code _convert_token_to_id}: vocab lookup, unknown tokens -> unk id.
 *   <li>{@code prepare_for_model}: truncate the content to {@code maxLength - 2}, add bos/eos, right-pad with
 *       the configured pad token.
 * </ol>
 *
 * Immutable and thread-safe.
 */
public final class ClipTokenizer {
  /** transformers' default when the config has no (or an "infinite") model_max_length is 1e30; we use 77. */
  private static final int DEFAULT_MAX_LENGTH = 77;

  private final Map<String, Integer> vocab;
  private final ClipBpe bpe;
  /** Added tokens (specials + added_tokens_decoder) by content, in the trie. */
  private final Map<String, AddedToken> added;
  private final Map<String, Integer> addedIds;
  private final int maxLength;
  private final int bosId;
  private final int eosId;
  private final int padId;
  private final int unkId;
  private final String bos;
  private final String eos;
  /** id -> token, built on first use. */
  private volatile String[] idToToken;

  /** The ids padded/truncated to {@link #maxLength()}; tokens = bos + content + eos (no padding). */
  public record Encoding(long[] ids, List<String> tokens, boolean truncated, int untruncatedLength) {}

  private ClipTokenizer(Map<String, Integer> vocab, Map<String, Integer> ranks, JsonNode cfg) {
    this.vocab = vocab;
    this.bpe = new ClipBpe(ranks);
    this.maxLength = maxLength(cfg);
    this.added = new LinkedHashMap<>();
    this.addedIds = new HashMap<>();
    for (Map.Entry<Integer, AddedToken> e : ClipTokenizerFiles.addedTokensDecoder(cfg).entrySet()) {
      register(e.getValue(), e.getKey());
    }
    AddedToken bosTok = special(cfg, "bos_token", "<|startoftext|>");
    AddedToken eosTok = special(cfg, "eos_token", "<|endoftext|>");
    AddedToken unkTok = special(cfg, "unk_token", "<|endoftext|>");
    AddedToken padTok = special(cfg, "pad_token", "<|endoftext|>");
    // transformers adds the special tokens in SPECIAL_TOKENS_ATTRIBUTES order (bos, eos, unk, sep, pad, ...)
    for (AddedToken t : List.of(bosTok, eosTok, unkTok, padTok)) register(t, null);
    for (AddedToken t : ClipTokenizerFiles.additionalSpecialTokens(cfg)) register(t, null);
    this.bos = bosTok.content();
    this.eos = eosTok.content();
    this.bosId = addedIds.get(bos);
    this.eosId = addedIds.get(eos);
    this.unkId = addedIds.get(unkTok.content());
    this.padId = addedIds.get(padTok.content());
  }

  /**
   * Loads {@code vocab.json}, {@code merges.txt}, {@code tokenizer_config.json} (and, for legacy configs,
   * {@code special_tokens_map.json}) from a transformers tokenizer folder.
   *
   * @throws org.conceptprune.util.UserError if a required file is missing or unreadable
   */
  public static ClipTokenizer load(Path tokenizerDir) {
    Map<String, Integer> vocab = ClipTokenizerFiles.readVocab(ClipTokenizerFiles.require(tokenizerDir, "vocab.json"));
    Map<String, Integer> ranks =
        ClipTokenizerFiles.readMerges(ClipTokenizerFiles.require(tokenizerDir, "merges.txt"));
    return new ClipTokenizer(vocab, ranks, ClipTokenizerFiles.effectiveConfig(tokenizerDir));
  }

  private static AddedToken special(JsonNode cfg, String key, String fallback) {
    AddedToken t = ClipTokenizerFiles.token(cfg.get(key));
    return t != null ? t : new AddedToken(fallback, false, false);
  }

  private static int maxLength(JsonNode cfg) {
    JsonNode v = cfg.get("model_max_length");
    if (v == null || !v.isNumber() || v.asDouble() <= 2 || v.asDouble() > 1_000_000) return DEFAULT_MAX_LENGTH;
    return v.asInt();
  }

  /** Like {@code _add_tokens}: an explicit id wins, else the vocab id, else the next id after vocab + added. */
  private void register(AddedToken t, Integer explicitId) {
    if (addedIds.containsKey(t.content())) return;
    int id;
    if (explicitId != null) id = explicitId;
    else if (vocab.containsKey(t.content())) id = vocab.get(t.content());
    else id = vocab.size() + (int) addedIds.keySet().stream().filter(c -> !vocab.containsKey(c)).count();
    added.put(t.content(), t);
    addedIds.put(t.content(), id);
  }

  /** Tokenizes, adds bos/eos, truncates to {@link #maxLength()} (eos kept last) and right-pads with pad. */
  public Encoding encode(String text) {
    List<String> content = bpeTokens(text);
    int untruncated = content.size() + 2;
    int keep = Math.min(content.size(), maxLength - 2);
    List<String> tokens = new ArrayList<>(keep + 2);
    tokens.add(bos);
    tokens.addAll(content.subList(0, keep));
    tokens.add(eos);
    long[] ids = new long[maxLength];
    Arrays.fill(ids, padId);
    for (int i = 0; i < tokens.size(); i++) ids[i] = tokenToId(tokens.get(i));
    return new Encoding(ids, List.copyOf(tokens), keep < content.size(), untruncated);
  }

  /** {@code tokenizer.tokenize(text)}: BPE tokens of the cleaned text, literal special tokens kept whole. */
  List<String> bpeTokens(String text) {
    List<String> out = new ArrayList<>();
    for (String segment : splitOnAddedTokens(text)) {
      if (segment.isEmpty()) continue;
      if (added.containsKey(segment)) out.add(segment);
      else out.addAll(bpe.tokenize(ClipTextCleaner.clean(segment)));
    }
    return out;
  }

  /** {@code convert_tokens_to_ids}: added tokens first, then the vocab, then unk. */
  int tokenToId(String token) {
    Integer id = addedIds.get(token);
    if (id == null) id = vocab.get(token);
    return id != null ? id : unkId;
  }

  /** The added-token trie split plus the lstrip/rstrip handling of {@code PreTrainedTokenizer.tokenize}. */
  List<String> splitOnAddedTokens(String text) {
    List<String> parts = new ArrayList<>();
    int segStart = 0;
    int i = 0;
    while (i < text.length()) {
      String match = longestAddedTokenAt(text, i);
      if (match == null) {
        i++;
        continue;
      }
      if (i > segStart) parts.add(text.substring(segStart, i));
      parts.add(match);
      i += match.length();
      segStart = i;
    }
    if (segStart < text.length()) parts.add(text.substring(segStart));
    applyStrip(parts);
    return parts;
  }

  private String longestAddedTokenAt(String text, int pos) {
    String best = null;
    for (String c : added.keySet()) {
      if (!c.isEmpty() && text.startsWith(c, pos) && (best == null || c.length() > best.length())) best = c;
    }
    return best;
  }

  /** rstrip strips whitespace left of the following segment, lstrip right of the preceding one. */
  private void applyStrip(List<String> parts) {
    for (int i = 0; i < parts.size(); i++) {
      AddedToken t = added.get(parts.get(i));
      if (t == null) continue;
      if (t.rstrip() && i + 1 < parts.size() && !added.containsKey(parts.get(i + 1))) {
        parts.set(i + 1, stripLeading(parts.get(i + 1)));
      }
      if (t.lstrip() && i > 0 && !added.containsKey(parts.get(i - 1))) {
        parts.set(i - 1, stripTrailing(parts.get(i - 1)));
      }
    }
  }

  private static String stripLeading(String s) {
    int i = 0;
    while (i < s.length() && ClipTextCleaner.isPythonWhitespace(s.charAt(i))) i++;
    return s.substring(i);
  }

  private static String stripTrailing(String s) {
    int j = s.length();
    while (j > 0 && ClipTextCleaner.isPythonWhitespace(s.charAt(j - 1))) j--;
    return s.substring(0, j);
  }

  /** The token string of an id (vocab or added token), or null for an id the tokenizer does not know. */
  public String token(long id) {
    if (idToToken == null) {
      String[] t = new String[Math.max(vocab.size(), addedIds.values().stream().mapToInt(i -> i + 1).max().orElse(0))];
      vocab.forEach((k, v) -> t[v] = k);
      addedIds.forEach((k, v) -> t[v] = k);
      idToToken = t;
    }
    return id >= 0 && id < idToToken.length ? idToToken[(int) id] : null;
  }

  /**
   * {@code CLIPTokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)}:
   * the tokens joined, mapped back to bytes through {@code bytes_to_unicode()}, UTF-8 decoded (bad
   * bytes replaced), every {@code </w>} a space, stripped.
   */
  public String decode(long[] ids) {
    StringBuilder joined = new StringBuilder();
    for (long id : ids) {
      String t = token(id);
      if (t == null || added.containsKey(t)) continue;
      joined.append(t);
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    char[] table = ClipBpe.bytesToUnicode();
    Map<Character, Integer> back = new HashMap<>();
    for (int b = 0; b < table.length; b++) back.put(table[b], b);
    String s = joined.toString();
    for (int i = 0; i < s.length(); i++) {
      if (s.startsWith("</w>", i)) {
        bytes.write(' ');
        i += 3;
        continue;
      }
      Integer b = back.get(s.charAt(i));
      if (b != null) bytes.write(b);
    }
    return new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.UTF_8).strip();
  }

  public int maxLength() {
    return maxLength;
  }

  public int bosId() {
    return bosId;
  }

  public int eosId() {
    return eosId;
  }

  public int padId() {
    return padId;
  }

  /** {@code len(vocab.json)}, like {@code CLIPTokenizer.vocab_size} (added tokens not counted). */
  public int vocabSize() {
    return vocab.size();
  }
}
