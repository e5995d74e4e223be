package org.conceptprune.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import org.conceptprune.util.HtmlText;

/** The page's two plots as inline SVG, drawn from the results tree: every concept before/after, and the sweep. */
final class DemoPlots {
  private DemoPlots() {}

  static final String[] COLORS = {"#1f6fb4", "#e07b00", "#7a7a7a"}; // ConceptPrune, FIA, random
  private static final int TOP = 46;
  private static final int PLOT_H = 220;
  private static final int LEFT = 56;

  /** One column per concept: before (open circle), each method after (dots; random as a line), y = erased accuracy. */
  static String concepts(JsonNode root) {
    JsonNode cs = root.path("concepts");
    int n = cs.size();
    int step = 46;
    int w = Math.max(760, LEFT + n * step + 20);
    int h = TOP + PLOT_H + 90;
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "<svg class=plot id=concept-plot viewBox='0 0 %d %d' width=%d role=img aria-label='erased accuracy of every concept, before and after each method'>",
        w, h, w));
    yAxis(s, w, "judged accuracy on the concept's prompts");
    List<String> keys = methodKeys(root);
    for (int i = 0; i < n; i++) {
      JsonNode c = cs.path(i);
      double x = LEFT + step * (i + 0.5);
      s.append(String.format(Locale.ROOT, "<text x=%.1f y=%d font-size=11 text-anchor=end transform='rotate(-45 %.1f %d)'>%s</text>", x + 4,
          TOP + PLOT_H + 14, x + 4, TOP + PLOT_H + 14, HtmlText.esc(c.path("concept").asText())));
      double before = c.path("erased_before").path("value").asDouble(Double.NaN);
      if (!Double.isNaN(before)) {
        s.append(String.format(Locale.ROOT, "<circle cx=%.1f cy=%.1f r=5 fill=none stroke='#000' stroke-width=1.5><title>%s before: %.2f</title></circle>",
            x, y(before), HtmlText.esc(c.path("concept").asText()), before));
      }
      for (int m = 0; m < keys.size(); m++) {
        double v = c.path("methods").path(keys.get(m)).path("erased_after").path("value").asDouble(Double.NaN);
        if (Double.isNaN(v)) continue;
        String col = COLORS[m % COLORS.length];
        String tip = String.format(Locale.ROOT, "<title>%s, %s: %.2f</title>", HtmlText.esc(c.path("concept").asText()), keys.get(m), v);
        if (keys.get(m).equals("random")) {
          s.append(String.format(Locale.ROOT, "<line x1=%.1f x2=%.1f y1=%.1f y2=%.1f stroke='%s' stroke-width=3>%s</line>", x - 14, x + 14, y(v), y(v), col, tip));
        } else {
          s.append(String.format(Locale.ROOT, "<circle cx=%.1f cy=%.1f r=4.5 fill='%s' opacity=0.9>%s</circle>", x + (m == 0 ? -6 : 6), y(v), col, tip));
        }
      }
    }
    legend(s, root, keys, true);
    return closed(s.append("</svg>").toString());
  }

  /** Erased accuracy (solid) and the others kept (dashed) against k, one colour per t̂. */
  static String sweep(JsonNode root) {
    JsonNode sw = root.path("sweep");
    TreeSet<Double> ks = new TreeSet<>();
    TreeMap<Integer, TreeMap<Double, double[]>> lines = new TreeMap<>();
    for (JsonNode p : sw) {
      ks.add(p.path("k").asDouble());
      lines.computeIfAbsent(p.path("t_hat").asInt(), t -> new TreeMap<>()).put(p.path("k").asDouble(),
          new double[] {p.path("erased_after").path("value").asDouble(Double.NaN), p.path("others_after").path("value").asDouble(Double.NaN)});
    }
    List<Double> kl = new ArrayList<>(ks);
    int w = 560;
    int h = TOP + PLOT_H + 50;
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "<svg class=plot id=sweep-plot viewBox='0 0 %d %d' width=%d role=img aria-label='sweep over k and t-hat'>", w, h, w));
    yAxis(s, w, "judged accuracy");
    s.append(String.format(Locale.ROOT, "<text x=%d y=%d font-size=12 text-anchor=middle>k (share of each row's weights marked)</text>",
        (LEFT + w) / 2, TOP + PLOT_H + 38));
    for (int i = 0; i < kl.size(); i++) {
      s.append(String.format(Locale.ROOT, "<text x=%.1f y=%d font-size=11 text-anchor=middle>%s</text>", kx(i, kl.size(), w), TOP + PLOT_H + 16,
          kl.get(i)));
    }
    int c = 0;
    for (var line : lines.entrySet()) {
      String col = c == 0 ? "#1f6fb4" : c == 1 ? "#b4321f" : "#2a8a3a";
      for (int which = 0; which < 2; which++) {
        StringBuilder pts = new StringBuilder();
        for (var p : line.getValue().entrySet()) {
          double v = p.getValue()[which];
          if (Double.isNaN(v)) continue;
          double x = kx(kl.indexOf(p.getKey()), kl.size(), w);
          pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y(v)));
          s.append(String.format(Locale.ROOT, "<circle cx=%.1f cy=%.1f r=3 fill='%s'/>", x, y(v), col));
        }
        s.append(String.format(Locale.ROOT, "<polyline fill=none stroke='%s' stroke-width=2 %s points='%s'/>", col,
            which == 1 ? "stroke-dasharray='5,4'" : "", pts.toString().strip()));
      }
      s.append(String.format(Locale.ROOT, "<text x=%d y=%d font-size=12 fill='%s'>t̂ = %d</text>", LEFT + 10 + 70 * c, 16, col, line.getKey()));
      c++;
    }
    s.append(String.format(Locale.ROOT, "<text x=%d y=%d font-size=12>solid: the erased concept; dashed: the others kept</text>", LEFT + 10, 34));
    return closed(s.append("</svg>").toString());
  }

  /** In HTML an unquoted value runs into "/>" (r=5/> is r="5/" and no closed element): a space before it. */
  private static String closed(String svg) {
    return svg.replace("/>", " />");
  }

  private static double kx(int i, int n, int w) {
    return LEFT + 20 + (w - LEFT - 40) * (n == 1 ? 0.5 : i / (double) (n - 1));
  }

  private static double y(double v) {
    return TOP + PLOT_H * (1 - v);
  }

  private static void yAxis(StringBuilder s, int w, String label) {
    s.append(String.format(Locale.ROOT, "<line x1=%d x2=%d y1=%d y2=%d stroke='#333'/>", LEFT, LEFT, TOP, TOP + PLOT_H));
    s.append(String.format(Locale.ROOT, "<line x1=%d x2=%d y1=%d y2=%d stroke='#333'/>", LEFT, w - 10, TOP + PLOT_H, TOP + PLOT_H));
    for (int i = 0; i <= 4; i++) {
      double v = i / 4.0;
      s.append(String.format(Locale.ROOT, "<line x1=%d x2=%d y1=%.1f y2=%.1f stroke='#ddd'/>", LEFT, w - 10, y(v), y(v)));
      s.append(String.format(Locale.ROOT, "<text x=%d y=%.1f font-size=11 text-anchor=end>%.2f</text>", LEFT - 4, y(v) + 4, v));
    }
    s.append(String.format(Locale.ROOT, "<text x=14 y=%d font-size=12 text-anchor=middle transform='rotate(-90 14 %d)'>%s</text>",
        TOP + PLOT_H / 2, TOP + PLOT_H / 2, HtmlText.esc(label)));
  }

  private static void legend(StringBuilder s, JsonNode root, List<String> keys, boolean before) {
    int x = LEFT + 10;
    if (before) {
      s.append(String.format(Locale.ROOT, "<circle cx=%d cy=14 r=5 fill=none stroke='#000' stroke-width=1.5/><text x=%d y=18 font-size=12>before (base model)</text>", x, x + 10));
      x += 150;
    }
    for (int m = 0; m < keys.size(); m++) {
      String col = COLORS[m % COLORS.length];
      String name = HtmlText.esc(root.path("methods").path(m).path("name").asText(keys.get(m)));
      if (keys.get(m).equals("random")) {
        s.append(String.format(Locale.ROOT, "<line x1=%d x2=%d y1=14 y2=14 stroke='%s' stroke-width=3/>", x - 8, x + 8, col));
        name += " (control)";
      } else {
        s.append(String.format(Locale.ROOT, "<circle cx=%d cy=14 r=4.5 fill='%s'/>", x, col));
      }
      s.append(String.format(Locale.ROOT, "<text x=%d y=18 font-size=12>%s, after</text>", x + 12, name));
      x += 200;
    }
  }

  static List<String> methodKeys(JsonNode root) {
    List<String> keys = new ArrayList<>();
    for (JsonNode m : root.path("methods")) keys.add(m.path("key").asText());
    return keys;
  }
}
