package org.conceptprune.util;

/** Text for the HTML pages (the evaluation report, the demo page and their SVG plots). */
public final class HtmlText {
  private HtmlText() {}

  /** {@code s} safe as element text and as an attribute value in double or single quotes. */
  public static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }
}
