package org.conceptprune.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.conceptprune.util.HtmlText;

/** Inline SVG plots for the report: no script, no library, readable offline. */
final class Plots {
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

  private Plots() {}

  /**
   * The sweep: x = k (categorical, increasing), y = the erased concept's accuracy (solid) and the
   * others' mean accuracy (dashed), one colour per t̂ (the paper's Figure 4/5 shape).
   */
  static String sweep(List<ResultRow> rows, Map<String, double[]> sweep) {
    TreeSet<Double> ks = new TreeSet<>();
    TreeMap<Integer, TreeMap<Double, double[]>> lines = new TreeMap<>(); // t̂ -> k -> {erased, others}
    for (var e : sweep.entrySet()) {
      double k = e.getValue()[0];
      int t = (int) e.getValue()[1];
      ks.add(k);
      double erased = value(rows, e.getKey(), "erased_acc");
      double others = mean(value(rows, e.getKey(), "others_object_acc"), value(rows, e.getKey(), "others_style_acc"),
          value(rows, e.getKey(), "preserved"));
      lines.computeIfAbsent(t, x -> new TreeMap<>()).put(k, new double[] {erased, others});
    }
    List<Double> kl = new ArrayList<>(ks);
    int w = 560;
    int hgt = 300;
    int l = 50;
    int b = 40;
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "<svg class=plot id=sweep width=%d height=%d viewBox='0 0 %d %d' role=img aria-label='sweep over k and t-hat'>", w, hgt, w, hgt));
    axes(s, w, hgt, l, b, "k", "accuracy");
    for (int i = 0; i < kl.size(); i++) {
      double x = xOf(i, kl.size(), w, l);
      s.append(String.format(Locale.ROOT, "<text x=%.1f y=%d font-size=11 text-anchor=middle>%s</text>", x, hgt - b + 15, kl.get(i)));
    }
    int c = 0;
    for (var line : lines.entrySet()) {
      String col = COLORS[c++ % COLORS.length];
      for (int which = 0; which < 2; which++) {
        StringBuilder pts = new StringBuilder();
        for (var p : line.getValue().entrySet()) {
          double v = p.getValue()[which];
          if (Double.isNaN(v)) continue;
          double x = xOf(kl.indexOf(p.getKey()), kl.size(), w, l);
          double y = yOf(v, hgt, b);
          pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
          s.append(String.format(Locale.ROOT, "<circle cx=%.1f cy=%.1f r=3 fill='%s'/>", x, y, col));
        }
        s.append(String.format(Locale.ROOT, "<polyline fill=none stroke='%s' stroke-width=2 %s points='%s'/>", col,
            which == 1 ? "stroke-dasharray='5,4'" : "", pts.toString().strip()));
      }
      s.append(String.format(Locale.ROOT, "<text x=%d y=%d font-size=12 fill='%s'>t̂=%d</text>", w - 70, 20 + 16 * (c - 1), col, line.getKey()));
    }
    s.append(String.format(Locale.ROOT, "<text x=%d y=%d font-size=11>solid: erased concept; dashed: the others</text>", l + 5, 14));
    return s.append("</svg>").toString();
  }

  /** One bar per (model, subject) of one metric, with its interval. */
  static String bars(String metric, List<ResultRow> rows) {
    int bw = 26;
    int l = 50;
    int b = 110;
    int w = Math.max(300, l + 20 + rows.size() * (bw + 8));
    int hgt = 300;
    double max = 0;
    for (ResultRow r : rows) max = Math.max(max, Double.isNaN(r.hi()) ? r.value() : r.hi());
    double top = max <= 1 ? 1 : niceTop(max);
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "<h3>%s</h3><svg class=plot width=%d height=%d viewBox='0 0 %d %d' role=img aria-label='%s by model'>", HtmlText.esc(metric), w, hgt, w, hgt,
        HtmlText.esc(metric)));
    axes(s, w, hgt, l, b, "", metric, top);
    for (int i = 0; i < rows.size(); i++) {
      ResultRow r = rows.get(i);
      double x = l + 10 + i * (bw + 8);
      double y = hgt - b - (hgt - b - 20) * (r.value() / top);
      s.append(String.format(Locale.ROOT, "<rect x=%.1f y=%.1f width=%d height=%.1f fill='%s'><title>%s %s: %s</title></rect>", x, y, bw,
          Math.max(0, hgt - b - y), COLORS[i % COLORS.length], HtmlText.esc(r.model()), HtmlText.esc(r.subject()), HtmlText.esc(Results.cell(r))));
      if (!Double.isNaN(r.lo())) {
        double ylo = hgt - b - (hgt - b - 20) * (r.lo() / top);
        double yhi = hgt - b - (hgt - b - 20) * (r.hi() / top);
        s.append(String.format(Locale.ROOT, "<line x1=%.1f x2=%.1f y1=%.1f y2=%.1f stroke='black'/>", x + bw / 2.0, x + bw / 2.0, ylo, yhi));
      }
      String label = r.model() + (r.subject().isEmpty() ? "" : " · " + r.subject());
      s.append(String.format(Locale.ROOT, "<text font-size=10 transform='translate(%.1f,%d) rotate(60)'>%s</text>", x + 4, hgt - b + 6,
          HtmlText.esc(label)));
    }
    return s.append("</svg>").toString();
  }

  /**
   * One group of bars per subject (a class, a NudeNet label), one bar per model inside it (a colour
   * each, with a legend), with the interval where there is one. {@code metric} picks the rows.
   */
  static String grouped(String metric, List<ResultRow> rows, List<String> models, List<String> subjects) {
    int bw = 14;
    int gap = 14;
    int l = 56;
    int b = 150;
    int gw = models.size() * bw + gap;
    int w = Math.max(360, l + 20 + subjects.size() * gw + 150);
    int hgt = 360;
    double max = 0;
    for (ResultRow r : rows) if (r.metric().equals(metric)) max = Math.max(max, Double.isNaN(r.hi()) ? r.value() : r.hi());
    double top = max <= 1 ? 1 : niceTop(max);
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "<svg class=plot width=%d height=%d viewBox='0 0 %d %d' role=img aria-label='%s per subject and model'>", w, hgt, w, hgt,
        HtmlText.esc(metric)));
    axes(s, w - 150, hgt, l, b, "", metric, top);
    for (int g = 0; g < subjects.size(); g++) {
      double x0 = l + 10 + g * gw;
      for (int k = 0; k < models.size(); k++) {
        ResultRow r = find(rows, models.get(k), subjects.get(g), metric);
        if (r == null || Double.isNaN(r.value())) continue;
        double x = x0 + k * bw;
        double y = yOf(r.value() / top, hgt, b);
        s.append(String.format(Locale.ROOT, "<rect x=%.1f y=%.1f width=%d height=%.1f fill='%s'><title>%s %s: %s</title></rect>", x, y,
            bw - 2, Math.max(0, hgt - b - y), COLORS[k % COLORS.length], HtmlText.esc(r.model()), HtmlText.esc(r.subject()),
            HtmlText.esc(Results.cell(r))));
        if (!Double.isNaN(r.lo())) {
          double cx = x + (bw - 2) / 2.0;
          s.append(String.format(Locale.ROOT, "<line x1=%.1f x2=%.1f y1=%.1f y2=%.1f stroke='black'/>", cx, cx, yOf(r.lo() / top, hgt, b),
              yOf(r.hi() / top, hgt, b)));
        }
      }
      s.append(String.format(Locale.ROOT, "<text font-size=10 transform='translate(%.1f,%d) rotate(60)'>%s</text>", x0 + 4, hgt - b + 6,
          HtmlText.esc(subjects.get(g))));
    }
    for (int k = 0; k < models.size(); k++) {
      String col = COLORS[k % COLORS.length];
      s.append(String.format(Locale.ROOT, "<rect x=%d y=%d width=10 height=10 fill='%s'/><text x=%d y=%d font-size=11>%s</text>", w - 140,
          24 + 16 * k, col, w - 125, 33 + 16 * k, HtmlText.esc(models.get(k))));
    }
    return s.append("</svg>").toString();
  }

  /** 1, 2 or 5 times a power of ten, at least {@code max}. */
  static double niceTop(double max) {
    double p = Math.pow(10, Math.floor(Math.log10(max)));
    for (double m : new double[] {1, 2, 5, 10}) if (m * p >= max) return m * p;
    return 10 * p;
  }

  private static ResultRow find(List<ResultRow> rows, String model, String subject, String metric) {
    for (ResultRow r : rows) if (r.model().equals(model) && r.subject().equals(subject) && r.metric().equals(metric)) return r;
    return null;
  }

  private static void axes(StringBuilder s, int w, int h, int l, int b, String x, String y) {
    axes(s, w, h, l, b, x, y, 1);
  }

  /** Axes with 5 ticks from 0 to {@code top}. */
  private static void axes(StringBuilder s, int w, int h, int l, int b, String x, String y, double top) {
    s.append(String.format(Locale.ROOT, "<line x1=%d y1=%d x2=%d y2=%d stroke='#333'/>", l, h - b, w - 10, h - b));
    s.append(String.format(Locale.ROOT, "<line x1=%d y1=20 x2=%d y2=%d stroke='#333'/>", l, l, h - b));
    for (int i = 0; i <= 4; i++) {
      double v = i / 4.0;
      double yy = yOf(v, h, b);
      s.append(String.format(Locale.ROOT, "<line x1=%d x2=%d y1=%.1f y2=%.1f stroke='#ddd'/><text x=%d y=%.1f font-size=10 text-anchor=end>%s</text>",
          l, w - 10, yy, yy, l - 4, yy + 3, top == 1 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.4g", v * top)));
    }
    s.append(String.format(Locale.ROOT, "<text x=%d y=%d font-size=12 text-anchor=middle>%s</text>", (w + l) / 2, h - 4, x));
    s.append(String.format(Locale.ROOT, "<text x=12 y=%d font-size=12 transform='rotate(-90 12 %d)' text-anchor=middle>%s</text>", h / 2, h / 2,
        HtmlText.esc(y)));
  }

  private static double xOf(int i, int n, int w, int l) {
    return n == 1 ? (w + l) / 2.0 : l + 30 + i * (w - l - 80) / (double) (n - 1);
  }

  private static double yOf(double v, int h, int b) {
    return h - b - (h - b - 20) * v;
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
