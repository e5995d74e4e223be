package org.conceptprune.model.clip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's pre-tokenisation regex and byte-level BPE, as in transformers' {@code CLIPTokenizer._tokenize} and
 * {@code CLIPTokenizer.bpe}: each regex piece is UTF-8 encoded, every byte mapped through
 * {@code bytes_to_unicode()}, then merged by rank with {@code </w>} appended to the last symbol. Thread-safe.
 */
final class ClipBpe {
  /** {@code CLIPTokenizer.pat} (compiled with {@code re.IGNORECASE} in Python's {@code regex} module). */
  static final Pattern PIECES =
      Pattern.compile(
          "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
          Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

  private static final String END_OF_WORD = "</w>";
  private static final int MAX_CACHE = 100_000;
  private static final char[] BYTE_TO_CHAR = bytesToUnicode();

  private final Map<String, Integer> ranks;
  private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

  /** @param ranks merge rank by key {@code first + " " + second} (lower merges first) */
  ClipBpe(Map<String, Integer> ranks) {
    this.ranks = ranks;
    seedCache();
  }

  /** The cache starts with the two special tokens mapped to themselves (no {@code </w>}), as in transformers. */
  private void seedCache() {
    cache.put("<|startoftext|>", List.of("<|startoftext|>"));
    cache.put("<|endoftext|>", List.of("<|endoftext|>"));
  }

  /** BPE tokens of already-cleaned text: {@code re.findall(pat, text)}, byte mapping, BPE of each piece. */
  List<String> tokenize(String cleaned) {
    List<String> out = new ArrayList<>();
    Matcher m = PIECES.matcher(cleaned);
    while (m.find()) out.addAll(bpe(byteEncode(m.group())));
    return out;
  }

  /** The GPT-2/CLIP {@code bytes_to_unicode()} table: printable bytes map to themselves, the rest to 256+n. */
  static char[] bytesToUnicode() {
    char[] table = new char[256];
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      table[b] = printable ? (char) b : (char) (256 + n++);
    }
    return table;
  }

  /** A piece's UTF-8 bytes, each replaced by its {@code bytes_to_unicode} character. */
  static String byteEncode(String piece) {
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte b : bytes) sb.append(BYTE_TO_CHAR[b & 0xFF]);
    return sb.toString();
  }

  /** {@code CLIPTokenizer.bpe}: the merged symbols of one byte-encoded piece (cached). */
  List<String> bpe(String token) {
    List<String> cached = cache.get(token);
    if (cached != null) return cached;
    if (token.length() == 1) return List.of(token + END_OF_WORD); // "no pairs": not cached, like the library
    List<String> word = initialSymbols(token);
    while (word.size() > 1) {
      String best = lowestRankedPair(word);
      if (best == null) break;
      word = mergeAll(word, best);
    }
    List<String> result = List.copyOf(word);
    if (cache.size() >= MAX_CACHE) {
      cache.clear();
      seedCache();
    }
    cache.put(token, result);
    return result;
  }

  /** One symbol per character, {@code </w>} appended to the last one. */
  private static List<String> initialSymbols(String token) {
    List<String> word = new ArrayList<>(token.length());
    for (int i = 0; i < token.length() - 1; i++) word.add(String.valueOf(token.charAt(i)));
    word.add(token.charAt(token.length() - 1) + END_OF_WORD);
    return word;
  }

  /** The adjacent pair with the smallest merge rank, as {@code "a b"}, or null if none is a known merge. */
  private String lowestRankedPair(List<String> word) {
    String best = null;
    int bestRank = Integer.MAX_VALUE;
    for (int i = 0; i + 1 < word.size(); i++) {
      String key = word.get(i) + " " + word.get(i + 1);
      Integer r = ranks.get(key);
      if (r != null && r < bestRank) {
        bestRank = r;
        best = key;
      }
    }
    return best;
  }

  /** Merges every non-overlapping occurrence of the pair, scanning left to right. */
  private static List<String> mergeAll(List<String> word, String pairKey) {
    int sp = pairKey.indexOf(' ');
    String first = pairKey.substring(0, sp);
    String second = pairKey.substring(sp + 1);
    List<String> merged = new ArrayList<>(word.size());
    int i = 0;
    while (i < word.size()) {
      if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
        merged.add(first + second);
        i += 2;
      } else {
        merged.add(word.get(i));
        i++;
      }
    }
    return merged;
  }
}
