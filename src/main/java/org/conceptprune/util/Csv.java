package org.conceptprune.util;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV as pandas writes it: comma-separated, fields in double quotes may hold commas, quotes
 * (doubled) and line breaks; CRLF or LF line ends; a trailing empty line is ignored.
 */
public final class Csv {
  private Csv() {}

  /** Every record of the text, each a list of fields. */
  public static List<List<String>> parse(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    boolean any = false; // the current record has content
    int i = text.startsWith("\uFEFF") ? 1 : 0; // a UTF-8 byte-order mark
    for (; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quoted) {
        if (ch == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            f.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          f.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
        any = true;
      } else if (ch == ',') {
        row.add(f.toString());
        f.setLength(0);
        any = true;
      } else if (ch == '\n' || ch == '\r') {
        if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') i++;
        if (any || f.length() > 0) {
          row.add(f.toString());
          rows.add(row);
        }
        row = new ArrayList<>();
        f.setLength(0);
        any = false;
      } else {
        f.append(ch);
        any = true;
      }
    }
    if (quoted) throw new IllegalArgumentException("a quoted field is not closed before the end of the file");
    if (any || f.length() > 0) {
      row.add(f.toString());
      rows.add(row);
    }
    return rows;
  }
}
