package org.conceptprune.experiment;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.conceptprune.util.HtmlText;

/**
 * Inline SVG plots for the HTML pages (the evaluation report and the demo page): no script, no
 * library, readable offline. One plot area with a y axis from 0 to a top value (ticks, grid, label),
 * an x axis label, a legend, and the line plot both pages draw of ConceptPrune's k × t̂ sweep.
 */
public final class Svg {
  public static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

  /** How a legend entry shows its colour. */
  public enum Marker { DOT, RING, BAR, LINE, SQUARE }

  /** One legend entry: a marker in {@code color}, then {@code text}. */
  public record Key(Marker marker, String color, String text) {}

  /**
   * One line of a line plot, its points (x, y); the lines of one name share a colour and a legend
   * entry, one solid and one dashed (the plot's note says what each shows).
   */
  public record Series(String name, boolean dashed, List<double[]> points) {}

  private final StringBuilder s;
  private final int left;
  private final int top;
  private final int right;
  private final int bottom;
  private double max = 1;

  /**
   * An svg element {@code width} x {@code height} (its class {@code plot}, {@code id} where not null),
   * whose plot area spans x from {@code left} to {@code right} and y from {@code top} (the axis' top
   * value) down to {@code bottom} (0), in pixels.
   */
  public Svg(String id, String aria, int width, int height, int left, int top, int right, int bottom) {
    this.left = left;
    this.top = top;
    this.right = right;
    this.bottom = bottom;
    s = new StringBuilder(String.format(Locale.ROOT, "<svg class=plot%s width=%d height=%d viewBox='0 0 %d %d' role=img aria-label='%s'>",
        id == null ? "" : " id=" + id, width, height, width, height, HtmlText.esc(aria)));
  }

  /** The pixel row of value {@code v}. */
  public double y(double v) {
    return bottom - (bottom - top) * v / max;
  }

  public int left() {
    return left;
  }

  public int bottom() {
    return bottom;
  }

  /** The axes, five ticks from 0 to {@code max} with grid lines, and the y axis' label. */
  public Svg yAxis(String label, double max) {
    this.max = max;
    s.append(String.format(Locale.ROOT, "<line x1=%d x2=%d y1=%d y2=%d stroke='#333'/>", left, left, top, bottom));
    s.append(String.format(Locale.ROOT, "<line x1=%d x2=%d y1=%d y2=%d stroke='#333'/>", left, right, bottom, bottom));
    for (int i = 0; i <= 4; i++) {
      double v = max * i / 4.0;
      String tick = max == 1 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.4g", v);
      s.append(String.format(Locale.ROOT, "<line x1=%d x2=%d y1=%.1f y2=%.1f stroke='#ddd'/>", left, right, y(v), y(v)));
      s.append(String.format(Locale.ROOT, "<text x=%d y=%.1f font-size=11 text-anchor=end>%s</text>", left - 4, y(v) + 4, tick));
    }
    int mid = (top + bottom) / 2;
    s.append(String.format(Locale.ROOT, "<text x=14 y=%d font-size=12 text-anchor=middle transform='rotate(-90 14 %d)'>%s</text>", mid, mid,
        HtmlText.esc(label)));
    return this;
  }

  /** The x axis' label, under its tick labels. */
  public Svg xLabel(String label) {
    s.append(String.format(Locale.ROOT, "<text x=%d y=%d font-size=12 text-anchor=middle>%s</text>", (left + right) / 2, bottom + 36,
        HtmlText.esc(label)));
    return this;
  }

  /** A legend across the top, above the plot area. */
  public Svg legend(List<Key> keys) {
    int x = left + 10;
    for (Key k : keys) {
      key(k, x, 14);
      x += 40 + (int) (6.5 * k.text().length());
    }
    return this;
  }

  /** A legend down a column from ({@code x}, {@code y}). */
  public Svg legendColumn(List<Key> keys, int x, int y) {
    for (int i = 0; i < keys.size(); i++) key(keys.get(i), x, y + 16 * i);
    return this;
  }

  private void key(Key k, int x, int y) {
    s.append(switch (k.marker()) {
      case DOT -> String.format(Locale.ROOT, "<circle cx=%d cy=%d r=4.5 fill='%s'/>", x, y, k.color());
      case RING -> String.format(Locale.ROOT, "<circle cx=%d cy=%d r=5 fill=none stroke='%s' stroke-width=1.5/>", x, y, k.color());
      case BAR -> String.format(Locale.ROOT, "<line x1=%d x2=%d y1=%d y2=%d stroke='%s' stroke-width=3/>", x - 8, x + 8, y, y, k.color());
      case LINE -> String.format(Locale.ROOT, "<line x1=%d x2=%d y1=%d y2=%d stroke='%s' stroke-width=2/>", x - 8, x + 8, y, y, k.color());
      case SQUARE -> String.format(Locale.ROOT, "<rect x=%d y=%d width=10 height=10 fill='%s'/>", x - 5, y - 5, k.color());
    });
    s.append(String.format(Locale.ROOT, "<text x=%d y=%d font-size=12>%s</text>", x + 12, y + 4, HtmlText.esc(k.text())));
  }

  /** Adds SVG elements as they are (their text escaped by the caller). */
  public Svg add(String elements) {
    s.append(elements);
    return this;
  }

  /**
   * The closed element. In HTML an unquoted attribute value runs into "/>" ({@code r=5/>} is
   * {@code r="5/"} and no closed element): every "/>" gets a space before it.
   */
  public String done() {
    return s.append("</svg>").toString().replace("/>", " />");
  }

  /**
   * A line plot, 560 px wide: x categorical (the distinct x values of all series, increasing, evenly
   * spaced, each a tick label), y from 0 to 1 (or a round number above the largest y); a NaN y is left
   * out. Colours by series name, in the order the names first come; the legend names each colour, and
   * {@code note} (under it) says what solid and dashed show.
   */
  public static String lines(String id, String aria, String xLabel, String yLabel, String note, List<Series> series) {
    TreeSet<Double> xs = new TreeSet<>();
    double hi = 0;
    for (Series l : series) {
      for (double[] p : l.points()) {
        xs.add(p[0]);
        if (!Double.isNaN(p[1])) hi = Math.max(hi, p[1]);
      }
    }
    int w = 560;
    Svg g = new Svg(id, aria, w, 316, 56, 46, w - 10, 266).yAxis(yLabel, hi <= 1 ? 1 : niceTop(hi)).xLabel(xLabel);
    List<Double> xl = new ArrayList<>(xs);
    for (int i = 0; i < xl.size(); i++) {
      g.add(String.format(Locale.ROOT, "<text x=%.1f y=%d font-size=11 text-anchor=middle>%s</text>", g.column(i, xl.size()), g.bottom + 16,
          BigDecimal.valueOf(xl.get(i)).stripTrailingZeros().toPlainString()));
    }
    Map<String, String> colors = new LinkedHashMap<>();
    for (Series l : series) {
      String col = colors.computeIfAbsent(l.name(), n -> COLORS[colors.size() % COLORS.length]);
      StringBuilder pts = new StringBuilder();
      for (double[] p : l.points().stream().sorted(Comparator.comparingDouble(p -> p[0])).toList()) {
        if (Double.isNaN(p[1])) continue;
        double x = g.column(xl.indexOf(p[0]), xl.size());
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, g.y(p[1])));
        g.add(String.format(Locale.ROOT, "<circle cx=%.1f cy=%.1f r=3 fill='%s'/>", x, g.y(p[1]), col));
      }
      g.add(String.format(Locale.ROOT, "<polyline fill=none stroke='%s' stroke-width=2 %s points='%s'/>", col,
          l.dashed() ? "stroke-dasharray='5,4'" : "", pts.toString().strip()));
    }
    List<Key> keys = new ArrayList<>();
    colors.forEach((name, col) -> keys.add(new Key(Marker.LINE, col, name)));
    g.legend(keys).add(String.format(Locale.ROOT, "<text x=%d y=34 font-size=12>%s</text>", g.left + 10, HtmlText.esc(note)));
    return g.done();
  }

  /**
   * ConceptPrune's k × t̂ sweep as {@link #lines}: x = k, y = the erased concept's accuracy (solid) and
   * the others' (dashed), one colour per t̂. Each point is {k, t̂, erased, others}.
   */
  public static String sweep(String id, String xLabel, String yLabel, String note, List<double[]> points) {
    TreeMap<Integer, List<double[]>> byT = new TreeMap<>();
    for (double[] p : points) byT.computeIfAbsent((int) p[1], t -> new ArrayList<>()).add(p);
    List<Series> series = new ArrayList<>();
    for (var t : byT.entrySet()) {
      String name = "t̂ = " + t.getKey();
      series.add(new Series(name, false, t.getValue().stream().map(p -> new double[] {p[0], p[2]}).toList()));
      series.add(new Series(name, true, t.getValue().stream().map(p -> new double[] {p[0], p[3]}).toList()));
    }
    return lines(id, "sweep over k and t-hat", xLabel, yLabel, note, series);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code max}. */
  public static double niceTop(double max) {
    double p = Math.pow(10, Math.floor(Math.log10(max)));
    for (double m : new double[] {1, 2, 5, 10}) if (m * p >= max) return m * p;
    return 10 * p;
  }

  /** The x of column {@code i} of {@code n}, evenly across the plot area. */
  private double column(int i, int n) {
    return left + 20 + (right - left - 30) * (n == 1 ? 0.5 : i / (double) (n - 1));
  }
}
