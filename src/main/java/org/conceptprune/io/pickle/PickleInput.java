package org.conceptprune.io.pickle;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.conceptprune.util.UserError;

/** The bytes of a pickle and its argument encodings; every length is checked against what is left. */
final class PickleInput {
  private static final int MAX_LINE = 1 << 16;
  private static final int MAX_INT_DIGITS = 4300; // CPython's int/str conversion limit
  private static final int MAX_LONG_BYTES = 1 << 10;

  private final ByteBuffer in;
  private final int end;
  private final Function<String, UserError> fail;
  private int pos;

  /** @param fail makes the error for a message (the caller adds where and which opcode) */
  PickleInput(ByteBuffer in, int start, Function<String, UserError> fail) {
    this.in = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    this.end = in.limit();
    this.pos = start;
    this.fail = fail;
  }

  int position() {
    return pos;
  }

  boolean atEnd() {
    return pos >= end;
  }

  /** FRAME: a read-ahead hint, but its length must still fit in what is left. */
  void skipCheck(long n) {
    if (n > end - pos) throw truncated(n);
  }

  /** Big-endian IEEE double (BINFLOAT). */
  double binFloat() {
    return Double.longBitsToDouble(Long.reverseBytes(in.getLong(need(8))));
  }

  private int need(int n) {
    if (n > end - pos) throw truncated(n);
    int p = pos;
    pos += n;
    return p;
  }

  int u8() {
    return in.get(need(1)) & 0xff;
  }

  int u16() {
    return in.getShort(need(2)) & 0xffff;
  }

  int s32() {
    return in.getInt(need(4));
  }

  long u32() {
    return in.getInt(need(4)) & 0xffffffffL;
  }

  long u64() {
    long v = in.getLong(need(8));
    if (v < 0) throw fail.apply("length " + Long.toUnsignedString(v) + " is out of range");
    return v;
  }

  byte[] bytes(long n) {
    if (n < 0) throw fail.apply("negative length " + n);
    if (n > end - pos) throw truncated(n);
    byte[] b = new byte[(int) n];
    in.get(need((int) n), b);
    return b;
  }

  byte[] lineBytes() {
    int limit = (int) Math.min(end, (long) pos + MAX_LINE);
    for (int i = pos; i < limit; i++) {
      if (in.get(i) == '\n') {
        byte[] b = new byte[i - pos];
        in.get(pos, b);
        pos = i + 1;
        return b;
      }
    }
    if (limit == end) throw fail.apply("truncated: a text argument has no end of line");
    throw fail.apply("a text argument is longer than " + MAX_LINE + " bytes");
  }

  String line() {
    return new String(lineBytes(), StandardCharsets.ISO_8859_1);
  }

  Object binLong(long n) {
    if (n < 0) throw fail.apply("negative length " + n);
    if (n > MAX_LONG_BYTES) throw fail.apply("an integer of " + n + " bytes");
    byte[] le = bytes(n);
    if (le.length == 0) return 0L;
    byte[] be = new byte[le.length];
    for (int i = 0; i < le.length; i++) be[i] = le[le.length - 1 - i];
    return small(new BigInteger(be)); // two's complement, as pickle's LONG1/LONG4
  }

  static Object small(BigInteger b) {
    return b.bitLength() < 64 ? (Object) b.longValue() : b;
  }

  Object textInt(String s, boolean boolCodes) {
    String t = s.strip();
    if (boolCodes && t.equals("00")) return Boolean.FALSE;
    if (boolCodes && t.equals("01")) return Boolean.TRUE;
    if (t.length() > MAX_INT_DIGITS) throw fail.apply("an integer of more than " + MAX_INT_DIGITS + " digits");
    try {
      return small(new BigInteger(t));
    } catch (NumberFormatException e) {
      throw fail.apply("bad integer text");
    }
  }

  static String stripL(String s) {
    return s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
  }

  long textIndex(String s) {
    Object v = textInt(s, false);
    if (!(v instanceof Long l)) throw fail.apply("memo index out of range");
    return l;
  }

  Object textFloat(String s) {
    String t = s.strip().toLowerCase(java.util.Locale.ROOT);
    switch (t) {
      case "inf", "+inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "nan", "-nan", "+nan" -> {
        return Double.NaN;
      }
      default -> {
        if (t.length() > 1000 || t.isEmpty() || !t.chars().allMatch(c -> "0123456789+-.e".indexOf(c) >= 0)) {
          throw fail.apply("bad float text");
        }
        try {
          return Double.parseDouble(t);
        } catch (NumberFormatException e) {
          throw fail.apply("bad float text");
        }
      }
    }
  }

  String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw fail.apply("a string is not valid UTF-8");
    }
  }

  /** Python 2 str: torch.load decodes it as UTF-8; bytes that are not become U+FFFD. */
  static String utf8Lenient(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private UserError truncated(long n) {
    return fail.apply("truncated: " + n + " bytes wanted, " + (end - pos) + " left");
  }
}
