package org.conceptprune.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import org.conceptprune.util.HtmlText;

/**
 * How the page shows a number of results.json: a span that names its place in the file
 * ({@code data-path}) and its format ({@code data-fmt}), so a test can read every shown number back.
 */
final class Html {
  private Html() {}

  /** Formats: f2 (0.83), pct (4.57%, of a fraction), pct0 (83%), int (12), s (412 s). */
  static String format(double v, String fmt) {
    if (Double.isNaN(v)) return "n/a";
    return switch (fmt) {
      case "f2" -> String.format(Locale.ROOT, "%.2f", v);
      case "pct" -> String.format(Locale.ROOT, "%.2f%%", 100 * v);
      case "pct0" -> String.format(Locale.ROOT, "%.0f%%", 100 * v);
      case "int" -> Long.toString(Math.round(v));
      case "s" -> String.format(Locale.ROOT, "%.0f s", v);
      default -> throw new IllegalArgumentException(fmt);
    };
  }

  /** The number at {@code path} (dot-separated, array indices as numbers) of the results tree. */
  static JsonNode at(JsonNode root, String path) {
    JsonNode n = root;
    for (String p : path.split("\\.")) n = p.matches("\\d+") ? n.path(Integer.parseInt(p)) : n.path(p);
    return n;
  }

  static double value(JsonNode root, String path) {
    JsonNode n = at(root, path);
    return n.isNumber() ? n.asDouble() : Double.NaN;
  }

  /** A shown number. */
  static String num(JsonNode root, String path, String fmt) {
    return "<span class=n data-path='" + path + "' data-fmt=" + fmt + ">" + format(value(root, path), fmt) + "</span>";
  }

  /** value [lo, hi] of an interval object (value, ci95_low, ci95_high). */
  static String interval(JsonNode root, String path) {
    return num(root, path + ".value", "f2") + " <span class=ci>[" + num(root, path + ".ci95_low", "f2") + ", "
        + num(root, path + ".ci95_high", "f2") + "]</span>";
  }

  static String img(String src, String alt, int size) {
    return "<img loading=lazy src='" + HtmlText.esc(src) + "' alt='" + HtmlText.esc(alt) + "' title='" + HtmlText.esc(alt) + "' width=" + size + " height=" + size + ">";
  }
}
