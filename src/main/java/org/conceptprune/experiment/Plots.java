package org.conceptprune.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conceptprune.util.HtmlText;

/** Inline SVG plots for the report: no script, no library, readable offline. */
final class Plots {
  private Plots() {}

  /**
   * The sweep: x = k, y = the erased concept's accuracy (solid) and the others' mean accuracy
   * (dashed), one colour per t̂ (the paper's Figure 4/5 shape).
   */
  static String sweep(List<ResultRow> rows, Map<String, double[]> sweep) {
    List<double[]> points = new ArrayList<>();
    for (var e : sweep.entrySet()) {
      double others = mean(value(rows, e.getKey(), "others_object_acc"), value(rows, e.getKey(), "others_style_acc"),
          value(rows, e.getKey(), "preserved"));
      points.add(new double[] {e.getValue()[0], e.getValue()[1], value(rows, e.getKey(), "erased_acc"), others});
    }
    return Svg.sweep("sweep", "k", "accuracy", "solid: erased concept; dashed: the others", points);
  }

  /** One bar per (model, subject) of one metric, with its interval. */
  static String bars(String metric, List<ResultRow> rows) {
    int bw = 26;
    int w = Math.max(300, 70 + rows.size() * (bw + 8));
    Svg g = new Svg(null, metric + " by model", w, 300, 50, 20, w - 10, 190).yAxis(metric, top(rows));
    for (int i = 0; i < rows.size(); i++) {
      ResultRow r = rows.get(i);
      double x = g.left() + 10 + i * (bw + 8);
      bar(g, r, x, bw, Svg.COLORS[i % Svg.COLORS.length]);
      slanted(g, x, r.model() + (r.subject().isEmpty() ? "" : " · " + r.subject()));
    }
    return "<h3>" + HtmlText.esc(metric) + "</h3>" + g.done();
  }

  /**
   * One group of bars per subject (a class, a NudeNet label), one bar per model inside it (a colour
   * each, with a legend), with the interval where there is one. {@code metric} picks the rows.
   */
  static String grouped(String metric, List<ResultRow> rows, List<String> models, List<String> subjects) {
    int bw = 14;
    int gw = models.size() * bw + 14;
    int w = Math.max(360, 76 + subjects.size() * gw + 150);
    List<ResultRow> of = rows.stream().filter(r -> r.metric().equals(metric)).toList();
    Svg g = new Svg(null, metric + " per subject and model", w, 360, 56, 20, w - 160, 210).yAxis(metric, top(of));
    for (int s = 0; s < subjects.size(); s++) {
      double x0 = g.left() + 10 + s * gw;
      for (int k = 0; k < models.size(); k++) {
        ResultRow r = find(of, models.get(k), subjects.get(s));
        if (r != null && !Double.isNaN(r.value())) bar(g, r, x0 + k * bw, bw - 2, Svg.COLORS[k % Svg.COLORS.length]);
      }
      slanted(g, x0, subjects.get(s));
    }
    List<Svg.Key> keys = new ArrayList<>();
    for (int k = 0; k < models.size(); k++) keys.add(new Svg.Key(Svg.Marker.SQUARE, Svg.COLORS[k % Svg.COLORS.length], models.get(k)));
    return g.legendColumn(keys, w - 135, 29).done();
  }

  /** The y axis' top: 1 for rates, else a round number above the largest value or interval end. */
  private static double top(List<ResultRow> rows) {
    double max = 0;
    for (ResultRow r : rows) max = Math.max(max, Double.isNaN(r.hi()) ? r.value() : r.hi());
    return max <= 1 ? 1 : Svg.niceTop(max);
  }

  /** A bar from 0 to the row's value, {@code width} px from {@code x}, its interval as a line, its numbers as a tooltip. */
  private static void bar(Svg g, ResultRow r, double x, int width, String color) {
    double y = g.y(r.value());
    g.add(String.format(Locale.ROOT, "<rect x=%.1f y=%.1f width=%d height=%.1f fill='%s'><title>%s %s: %s</title></rect>", x, y, width,
        Math.max(0, g.bottom() - y), color, HtmlText.esc(r.model()), HtmlText.esc(r.subject()), HtmlText.esc(Results.cell(r))));
    if (!Double.isNaN(r.lo())) {
      double cx = x + width / 2.0;
      g.add(String.format(Locale.ROOT, "<line x1=%.1f x2=%.1f y1=%.1f y2=%.1f stroke='black'/>", cx, cx, g.y(r.lo()), g.y(r.hi())));
    }
  }

  /** A label under the x axis from {@code x}, slanting down to the right. */
  private static void slanted(Svg g, double x, String label) {
    g.add(String.format(Locale.ROOT, "<text font-size=10 transform='translate(%.1f,%d) rotate(60)'>%s</text>", x + 4, g.bottom() + 6,
        HtmlText.esc(label)));
  }

  private static ResultRow find(List<ResultRow> rows, String model, String subject) {
    for (ResultRow r : rows) if (r.model().equals(model) && r.subject().equals(subject)) return r;
    return null;
  }

  private static double value(List<ResultRow> rows, String model, String metric) {
    for (ResultRow r : rows) if (r.model().equals(model) && r.metric().equals(metric)) return r.value();
    return Double.NaN;
  }

  private static double mean(double... v) {
    double s = 0;
    int n = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        s += x;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }
}
