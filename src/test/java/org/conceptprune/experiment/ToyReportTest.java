package org.conceptprune.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.cli.Main;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyJudge;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.World;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code toy eval} as a view of {@code evaluate --experiment toy}: on the shipped toy model, zorbly and
 * heart erased, 16 pairs (one object per style). Its numbers are the evaluation's rows, its ablations
 * equal the model with those weights zeroed judged directly, a rerun resumes, bad input is one line.
 */
class ToyReportTest {
  @TempDir static Path tmp;
  static Run first;
  static JsonNode report;

  record Run(int code, String out, String err) {}

  static Run run(String... a) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(new PrintWriter(o, true), new PrintWriter(e, true), a);
    return new Run(code, o.toString(), e.toString());
  }

  static String[] args(String... more) {
    List<String> a = new ArrayList<>(List.of("toy", "eval", "--concept", "zorbly", "--concept", "heart", "--quick",
        "--objects-per-style", "1", "--workers", "1", "--out", tmp.resolve("eval").toString(), "--json", tmp.resolve("report.json").toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @BeforeAll
  static void toyEval() throws Exception {
    first = run(args());
    assertEquals(0, first.code(), first.out() + first.err());
    report = new ObjectMapper().readTree(tmp.resolve("report.json").toFile());
  }

  @Test
  void ablationsEqualTheModelWithThoseWeightsZeroedJudgedDirectly() {
    World w = World.classic();
    List<ToyEval.Item> pairs = ToyEval.somePairs(w, 1, 1);
    assertEquals(16, pairs.size());
    try (StableDiffusion sd = StableDiffusion.loadFolder(ToyModel.extractBundled()); ToyJudge j = ToyJudge.loadBundled()) {
      ToyEval.Sampling s = ToyEval.Sampling.defaults();
      ToyEval.Acc base = ToyEval.run(sd, j, pairs, 0, s).acc();
      assertEquals(base.object(), report.at("/unpruned/object/value").asDouble(), 1e-12);
      assertEquals(base.style(), report.at("/unpruned/style/value").asDouble(), 1e-12);
      assertEquals(16, report.at("/unpruned/style/n").asInt());
      for (String suffix : List.of(".attn2.to_out.0", ".ff.net.2")) {
        MaskSet all = ToyErasure.all(sd, suffix);
        ToyEval.Acc a = ToyErasure.withMask(sd, j, all, pairs, 0, s).acc();
        String key = suffix.equals(".ff.net.2") ? "all-ff.net.2" : "all-attn2.to_out";
        JsonNode x = report.path("ablation").path(key);
        assertEquals(ToyErasure.count(all), x.path("weights").asLong(), key);
        assertEquals(a.object(), x.at("/object/value").asDouble(), 1e-12, key);
        assertEquals(a.style(), x.at("/style/value").asDouble(), 1e-12, key);
      }
      // the random ablation: as many weights as ff.net.2 (each layer's share rounded), over every transformer Linear
      long ff = ToyErasure.count(ToyErasure.all(sd, ".ff.net.2"));
      long random = report.at("/ablation/random-linear/weights").asLong();
      assertTrue(Math.abs(random - ff) <= 64, random + " vs " + ff);
    }
  }

  @Test
  void erasureRowsAreTheEvaluationsRows() throws Exception {
    List<String> csv = Files.readAllLines(tmp.resolve("eval").resolve("results.csv"));
    JsonNode rows = report.path("erasure");
    assertEquals(2, rows.size());
    for (JsonNode row : rows) {
      String c = row.path("concept").asText();
      for (String[] m : new String[][] {{"base", "before"}, {c + "-cp", "after"}, {c + "-random", "random"}}) {
        String line = csv.stream().filter(l -> l.startsWith(m[0] + ",toy," + c + ",erased_acc,")).findFirst().orElseThrow();
        assertEquals(Double.parseDouble(line.split(",")[4]), row.at("/erased_" + m[1] + "/value").asDouble(), 1e-12, line);
      }
      assertEquals(row.at("/erased_after/value").asDouble(), row.path("erased_after_mean").asDouble(), 1e-12);
      assertTrue(row.path("pruned_weights").asLong() > 0);
      assertTrue(row.path("density_ffn2").asDouble() > 0.01 && row.path("density_ffn2").asDouble() < 0.2, row.toString());
    }
    assertTrue(first.out().contains("ablation all-attn2.to_out"), first.out());
    assertTrue(first.out().contains("zorbly"), first.out());
    assertTrue(Files.exists(tmp.resolve("eval").resolve("index.html")));
  }

  @Test
  void aRerunResumesAndGivesTheSameReport() throws Exception {
    Path again = tmp.resolve("again.json");
    List<String> a = new ArrayList<>(List.of(args()));
    a.set(a.indexOf(tmp.resolve("report.json").toString()), again.toString());
    Run r = run(a.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("0 images generated"), r.out());
    ObjectNode x = (ObjectNode) new ObjectMapper().readTree(again.toFile());
    ObjectNode y = report.deepCopy();
    x.remove("seconds");
    y.remove("seconds");
    assertEquals(y, x);
  }

  @Test
  void badInputIsOneLine() {
    for (String[] bad : new String[][] {{"--concept", "nope"}, {"--objects-per-style", "99"}}) {
      List<String> a = new ArrayList<>(List.of("toy", "eval", "--out", tmp.resolve("bad").toString(), "--json", tmp.resolve("bad.json").toString()));
      a.addAll(List.of(bad));
      Run r = run(a.toArray(String[]::new));
      assertEquals(2, r.code(), r.err());
      String[] lines = r.err().strip().split("\\R");
      assertTrue(lines[lines.length - 1].startsWith("error: "), r.err());
      assertTrue(!Files.exists(tmp.resolve("bad")) && !Files.exists(tmp.resolve("bad.json")), "bad input wrote something");
    }
  }

  /** Three concepts erased at once: the mean of the members' erased accuracies, each member's numbers kept. */
  @Test
  void threeAtOnceAveragesItsMembers() {
    List<String> cs = List.of("zorbly", "heart", "dravish");
    var o = ToyReport.options(new ToyReport.Settings(null, cs, true, 0.05, 10, false, 1, 0));
    assertEquals(Map.of(ToyReport.THREE, cs), o.groups());
    List<ResultRow> rows = new ArrayList<>();
    Map<String, MaskSet> masks = new LinkedHashMap<>();
    double[] before = {1.0, 0.75, 0.5};
    double[] after = {0.25, 0.5, 0.0};
    for (int i = 0; i < 3; i++) {
      rows.add(new ResultRow("base", "toy", cs.get(i), "erased_acc", before[i], 0, 1, 4));
      rows.add(new ResultRow(ToyReport.THREE + "-cp", "toy", cs.get(i), "erased_acc", after[i], 0, 1, 4));
      rows.add(new ResultRow(ToyReport.THREE + "-random", "toy", cs.get(i), "erased_acc", before[i], 0, 1, 4));
    }
    LayerMask m = new LayerMask(4, 10);
    m.set(3);
    for (String label : List.of(ToyReport.THREE + "-cp", "zorbly-cp", "heart-cp", "dravish-cp")) {
      MaskSet x = new MaskSet();
      x.put("l", m);
      masks.put(label, x);
    }
    for (ToyAblation a : ToyAblation.values()) {
      MaskSet x = new MaskSet();
      x.put("l", m);
      masks.put(a.label(), x);
    }
    ObjectNode r = ToyReport.view(o, rows, masks, tmp);
    JsonNode three = r.path("erasure_three_at_once");
    assertEquals("zorbly + heart + dravish", three.path("concept").asText());
    assertEquals(0.75, three.path("erased_before_mean").asDouble(), 1e-12);
    assertEquals(0.25, three.path("erased_after_mean").asDouble(), 1e-12);
    assertNull(ToyReport.dropRatio(0.75, 0.25, 0.75)); // random dropped nothing
    assertTrue(three.path("drop_ratio_cp_over_random").isNull());
    assertEquals(0.5, three.at("/per_concept/heart/erased_after/value").asDouble(), 1e-12);
    assertEquals(1.0 / 40, three.path("density_ffn2").asDouble(), 1e-12);
  }

  @Test
  void dropRatioIsUndefinedWhenRandomPruningDropsNothing() {
    assertEquals(2.5, ToyReport.dropRatio(0.667, 0.25, 0.5), 1e-2); // c1's prunkard: 0.417 / 0.167
    assertNull(ToyReport.dropRatio(0.25, 0.0, 0.25)); // c1's brourv: random dropped 0 (the report said 2.5e8)
    assertNull(ToyReport.dropRatio(0.9, 0.5, 0.95)); // random raised it
    assertEquals(0.0, ToyReport.dropRatio(1.0, 1.0, 0.9), 1e-12);
  }
}
