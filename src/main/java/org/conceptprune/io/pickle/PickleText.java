package org.conceptprune.io.pickle;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.conceptprune.util.UserError;

/** The two text encodings of protocol-0 strings, decoded without {@code eval}. */
final class PickleText {
  private PickleText() {}

  /**
   * STRING: a Python 2 str literal, {@code 'abc\n'} or {@code "abc"}, with backslash escapes (\\ \' \"
   * \a \b \f \n \r \t \v, \xHH, octal \ooo). The bytes are then read as UTF-8, as torch.load does.
   *
   * @param line the text after the opcode, as ISO-8859-1 chars (one char per byte)
   */
  static String quoted(String line, Function<String, UserError> fail) {
    String s = line.strip();
    if (s.length() < 2 || (s.charAt(0) != '\'' && s.charAt(0) != '"') || s.charAt(s.length() - 1) != s.charAt(0)) {
      throw fail.apply("STRING argument is not a quoted literal");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    int n = s.length() - 1;
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.write(c);
        continue;
      }
      if (++i >= n) throw fail.apply("STRING literal ends in a backslash");
      char e = s.charAt(i);
      switch (e) {
        case '\\', '\'', '"' -> out.write(e);
        case 'a' -> out.write(7);
        case 'b' -> out.write(8);
        case 'f' -> out.write(12);
        case 'n' -> out.write(10);
        case 'r' -> out.write(13);
        case 't' -> out.write(9);
        case 'v' -> out.write(11);
        case 'x' -> {
          if (i + 2 >= n || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
            throw fail.apply("bad \\x escape in a STRING literal");
          }
          out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
          i += 2;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int v = e - '0';
            for (int k = 0; k < 2 && i + 1 < n && s.charAt(i + 1) >= '0' && s.charAt(i + 1) <= '7'; k++) {
              v = v * 8 + (s.charAt(++i) - '0');
            }
            out.write(v & 0xff);
          } else {
            out.write('\\'); // Python keeps unknown escapes as they are
            out.write(e);
          }
        }
      }
    }
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  /** UNICODE: Latin-1 bytes with {@code \\uXXXX} and {@code \\UXXXXXXXX} escapes (raw-unicode-escape). */
  static String rawUnicodeEscape(byte[] b, Function<String, UserError> fail) {
    StringBuilder sb = new StringBuilder(b.length);
    for (int i = 0; i < b.length; i++) {
      int c = b[i] & 0xff;
      if (c == '\\' && i + 1 < b.length && (b[i + 1] == 'u' || b[i + 1] == 'U')) {
        int digits = b[i + 1] == 'u' ? 4 : 8;
        if (i + 2 + digits > b.length) throw fail.apply("truncated \\u escape in a UNICODE argument");
        int cp = 0;
        for (int k = 0; k < digits; k++) {
          int h = hex((char) (b[i + 2 + k] & 0xff));
          if (h < 0) throw fail.apply("bad \\u escape in a UNICODE argument");
          cp = cp * 16 + h;
        }
        if (cp < 0 || cp > Character.MAX_CODE_POINT) throw fail.apply("\\U escape beyond U+10FFFF");
        sb.appendCodePoint(cp);
        i += 1 + digits;
      } else {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
}
