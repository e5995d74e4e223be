package org.conceptprune.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.conceptprune.experiment.Svg;
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
    Svg g = new Svg("concept-plot", "erased accuracy of every concept, before and after each method", w, TOP + PLOT_H + 90, LEFT, TOP, w - 10,
        TOP + PLOT_H).yAxis("judged accuracy on the concept's prompts", 1);
    List<String> keys = methodKeys(root);
    for (int i = 0; i < n; i++) {
      String concept = HtmlText.esc(cs.path(i).path("concept").asText());
      double x = LEFT + step * (i + 0.5);
      g.add(String.format(Locale.ROOT, "<text x=%.1f y=%d font-size=11 text-anchor=end transform='rotate(-45 %.1f %d)'>%s</text>", x + 4,
          TOP + PLOT_H + 14, x + 4, TOP + PLOT_H + 14, concept));
      double before = cs.path(i).path("erased_before").path("value").asDouble(Double.NaN);
      if (!Double.isNaN(before)) {
        g.add(String.format(Locale.ROOT, "<circle cx=%.1f cy=%.1f r=5 fill=none stroke='#000' stroke-width=1.5><title>%s before: %.2f</title></circle>",
            x, g.y(before), concept, before));
      }
      for (int m = 0; m < keys.size(); m++) {
        double v = cs.path(i).path("methods").path(keys.get(m)).path("erased_after").path("value").asDouble(Double.NaN);
        if (Double.isNaN(v)) continue;
        String col = COLORS[m % COLORS.length];
        String tip = String.format(Locale.ROOT, "<title>%s, %s: %.2f</title>", concept, keys.get(m), v);
        if (keys.get(m).equals("random")) {
          g.add(String.format(Locale.ROOT, "<line x1=%.1f x2=%.1f y1=%.1f y2=%.1f stroke='%s' stroke-width=3>%s</line>", x - 14, x + 14, g.y(v), g.y(v),
              col, tip));
        } else {
          g.add(String.format(Locale.ROOT, "<circle cx=%.1f cy=%.1f r=4.5 fill='%s' opacity=0.9>%s</circle>", x + (m == 0 ? -6 : 6), g.y(v), col, tip));
        }
      }
    }
    return g.legend(legend(root, keys)).done();
  }

  /** Erased accuracy (solid) and the others kept (dashed) against k, one colour per t̂. */
  static String sweep(JsonNode root) {
    List<double[]> points = new ArrayList<>();
    for (JsonNode p : root.path("sweep")) {
      points.add(new double[] {p.path("k").asDouble(), p.path("t_hat").asInt(), p.path("erased_after").path("value").asDouble(Double.NaN),
          p.path("others_after").path("value").asDouble(Double.NaN)});
    }
    return Svg.sweep("sweep-plot", "k (share of each row's weights marked)", "judged accuracy", "solid: the erased concept; dashed: the others kept",
        points);
  }

  /** Before (base model), then each method after (random as the control). */
  private static List<Svg.Key> legend(JsonNode root, List<String> keys) {
    List<Svg.Key> out = new ArrayList<>(List.of(new Svg.Key(Svg.Marker.RING, "#000", "before (base model)")));
    for (int m = 0; m < keys.size(); m++) {
      String name = root.path("methods").path(m).path("name").asText(keys.get(m));
      boolean control = keys.get(m).equals("random");
      out.add(new Svg.Key(control ? Svg.Marker.BAR : Svg.Marker.DOT, COLORS[m % COLORS.length], name + (control ? " (control)" : "") + ", after"));
    }
    return out;
  }

  static List<String> methodKeys(JsonNode root) {
    List<String> keys = new ArrayList<>();
    for (JsonNode m : root.path("methods")) keys.add(m.path("key").asText());
    return keys;
  }
}
