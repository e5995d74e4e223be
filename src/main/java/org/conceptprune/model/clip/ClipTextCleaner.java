package org.conceptprune.model.clip;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text clean-up that transformers' slow {@code CLIPTokenizer} applies when ftfy is NOT installed:
 * {@code " ".join(BasicTokenizer(strip_accents=False, do_split_on_punc=False).tokenize(text))}.
 *
 * <p>Steps, in the library's order: {@code _clean_text} (drop NUL, U+FFFD and every category-C char except
 * tab/newline/CR; whitespace incl. Zs to a space), {@code _tokenize_chinese_chars} (spaces around CJK
 * ideographs), NFC, {@code whitespace_tokenize} (Python {@code str.split()}), {@code str.lower()} of each word
 * (never_split is empty for CLIP), join with single spaces. No accent stripping, no punctuation splitting.
 */
final class ClipTextCleaner {
  private ClipTextCleaner() {}

  /** The cleaned, lower-cased text that the CLIP regex and BPE see. */
  static String clean(String text) {
    String s = cleanText(text);
    s = spaceAroundCjk(s);
    s = Normalizer.normalize(s, Normalizer.Form.NFC);
    StringBuilder out = new StringBuilder(s.length());
    for (String word : splitOnPythonWhitespace(s)) {
      if (out.length() > 0) out.append(' ');
      out.append(word.toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }

  /** BasicTokenizer._clean_text: removes invalid/control chars, maps whitespace to ' '. */
  static String cleanText(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            cp -> {
              if (cp == 0 || cp == 0xFFFD || isControl(cp)) return;
              if (isBertWhitespace(cp)) out.append(' ');
              else out.appendCodePoint(cp);
            });
    return out.toString();
  }

  /** transformers' {@code _is_control}: category C* except \t \n \r. */
  static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') return false;
    switch (Character.getType(cp)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.SURROGATE:
      case Character.PRIVATE_USE:
      case Character.UNASSIGNED:
        return true;
      default:
        return false;
    }
  }

  /** transformers' {@code _is_whitespace}: space, \t, \n, \r or category Zs. */
  static boolean isBertWhitespace(int cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r'
        || Character.getType(cp) == Character.SPACE_SEPARATOR;
  }

  /** BasicTokenizer._tokenize_chinese_chars: each CJK ideograph becomes " c ". */
  static String spaceAroundCjk(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    text.codePoints()
        .forEach(
            cp -> {
              if (isChineseChar(cp)) out.append(' ').appendCodePoint(cp).append(' ');
              else out.appendCodePoint(cp);
            });
    return out.toString();
  }

  /** The exact code-point ranges of transformers' {@code BasicTokenizer._is_chinese_char}. */
  static boolean isChineseChar(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }

  /** Python's {@code str.split()} with no argument: splits on runs of Unicode whitespace, drops empties. */
  static List<String> splitOnPythonWhitespace(String text) {
    List<String> words = new ArrayList<>();
    int start = -1;
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      if (isPythonWhitespace(cp)) {
        if (start >= 0) words.add(text.substring(start, i));
        start = -1;
      } else if (start < 0) {
        start = i;
      }
      i += Character.charCount(cp);
    }
    if (start >= 0) words.add(text.substring(start));
    return words;
  }

  /** Python's {@code str.isspace()} set (bidi class WS/B/S or category Zs). */
  static boolean isPythonWhitespace(int cp) {
    if ((cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20)) return true;
    switch (cp) {
      case 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
        return true;
      default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
  }
}
