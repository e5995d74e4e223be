package org.conceptprune.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.conceptprune.util.AtomicFiles;

/** The result rows as {@code results.json}, {@code results.csv} and a paper-like text table. */
public final class Results {
  private Results() {}

  public static void write(Path dir, RunManifest m, List<ResultRow> rows) {
    ObjectMapper om = new ObjectMapper();
    ObjectNode root = om.createObjectNode();
    root.set("run", m.toJson());
    putRows(root.putArray("results"), rows);
    AtomicFiles.writeString(dir.resolve("results.json"), root.toPrettyString());
    StringBuilder csv = new StringBuilder("model,experiment,subject,metric,value,ci95_low,ci95_high,n\n");
    for (ResultRow r : rows) {
      csv.append(String.join(",", quote(r.model()), quote(r.experiment()), quote(r.subject()), quote(r.metric()),
          fmt(r.value()), fmt(r.lo()), fmt(r.hi()), Integer.toString(r.n()))).append('\n');
    }
    AtomicFiles.writeString(dir.resolve("results.csv"), csv.toString());
  }

  /** The rows as results.json lists them: model, experiment, subject, metric, value, interval (null where none), n. */
  public static void putRows(ArrayNode a, List<ResultRow> rows) {
    for (ResultRow r : rows) {
      ObjectNode o = a.addObject();
      o.put("model", r.model());
      o.put("experiment", r.experiment());
      o.put("subject", r.subject());
      o.put("metric", r.metric());
      putNumbers(o, r);
    }
  }

  /** {@code key: {value, ci95_low, ci95_high, n}} of one row (nulls and n 0 when the row is missing). */
  public static void putValue(ObjectNode o, String key, ResultRow r) {
    putNumbers(o.putObject(key), r != null ? r : new ResultRow("", "", "", "", Double.NaN, Double.NaN, Double.NaN, 0));
  }

  private static void putNumbers(ObjectNode o, ResultRow r) {
    num(o, "value", r.value());
    num(o, "ci95_low", r.lo());
    num(o, "ci95_high", r.hi());
    o.put("n", r.n());
  }

  /** A number, or JSON null for NaN (a metric without a value or interval). */
  public static void num(ObjectNode o, String k, double v) {
    if (Double.isNaN(v)) o.putNull(k);
    else o.put(k, v);
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "" : Double.toString(v);
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  /** The rows pivoted: one line per (model, subject), one column per metric (the recipe's order first). */
  record Pivot(List<String> columns, List<String[]> keys, List<Map<String, ResultRow>> cells) {}

  static Pivot pivot(List<ResultRow> rows, List<String> metrics) {
    Map<String, Map<String, ResultRow>> byKey = new LinkedHashMap<>();
    Map<String, String[]> keys = new LinkedHashMap<>();
    Set<String> used = new LinkedHashSet<>();
    for (ResultRow r : rows) {
      String k = r.model() + "\u0000" + r.subject();
      keys.putIfAbsent(k, new String[] {r.model(), r.subject()});
      byKey.computeIfAbsent(k, x -> new LinkedHashMap<>()).put(r.metric(), r);
      used.add(r.metric());
    }
    List<String> cols = new ArrayList<>();
    for (String mt : metrics) if (used.contains(mt)) cols.add(mt);
    for (String mt : used) if (!cols.contains(mt)) cols.add(mt);
    return new Pivot(cols, new ArrayList<>(keys.values()), new ArrayList<>(byKey.values()));
  }

  /** Rows: model (and subject); columns: the recipe's metrics; cells: value [95% interval]. */
  public static String table(List<ResultRow> rows, List<String> metrics) {
    Pivot p = pivot(rows, metrics);
    int w0 = "model".length();
    int w1 = "subject".length();
    for (String[] k : p.keys()) {
      w0 = Math.max(w0, k[0].length());
      w1 = Math.max(w1, k[1].length());
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-" + w0 + "s  %-" + w1 + "s", "model", "subject"));
    for (String c : p.columns()) sb.append(String.format(Locale.ROOT, "  %-22s", c));
    sb.append('\n');
    for (int i = 0; i < p.keys().size(); i++) {
      sb.append(String.format(Locale.ROOT, "%-" + w0 + "s  %-" + w1 + "s", p.keys().get(i)[0], p.keys().get(i)[1]));
      for (String c : p.columns()) sb.append(String.format(Locale.ROOT, "  %-22s", cell(p.cells().get(i).get(c))));
      sb.append('\n');
    }
    return sb.toString();
  }

  static String cell(ResultRow r) {
    if (r == null) return "-";
    if (Double.isNaN(r.lo())) {
      double v = r.value();
      if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v); // a count
      return String.format(Locale.ROOT, "%.4g", v);
    }
    return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", r.value(), r.lo(), r.hi());
  }
}
