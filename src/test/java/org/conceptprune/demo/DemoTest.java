package org.conceptprune.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.conceptprune.experiment.Chromium;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.ProgressListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small demo (a style and an object, few images, a one-iteration UnlearnDiffAtk) end to end: what
 * results.json must hold, the page in headless Chromium at 1280 px, and every number on the page
 * read back from results.json.
 */
class DemoTest {
  @TempDir static Path tmp;
  static Path out;
  static Demo.Result result;
  static JsonNode json;
  static String log;

  @BeforeAll
  static void run() throws Exception {
    TorchRuntime.setThreads(1);
    out = tmp.resolve("demo");
    DemoRequest d = DemoRequest.defaults(out);
    DemoRequest r = new DemoRequest(out, null, List.of("zorbly", "heart"), d.k(), d.tHat(), 1, 4, 4, List.of(0.02, 0.05), List.of(10), 2, 1,
        List.of(300, 700), 3, 2);
    StringWriter w = new StringWriter();
    result = Demo.run(r, ProgressListener.printing(new PrintWriter(w, true)));
    log = w.toString();
    json = DemoResults.JSON.readTree(out.resolve("results.json").toFile());
  }

  @Test
  void resultsHoldEveryConceptByEveryMethodAndTheRobustnessRows() {
    assertEquals(2, json.path("concepts").size());
    for (JsonNode c : json.path("concepts")) {
      interval(c.path("erased_before"));
      interval(c.path("others_before"));
      for (String m : List.of("cp", "fia", "random")) {
        JsonNode x = c.path("methods").path(m);
        interval(x.path("erased_after"));
        interval(x.path("others_after"));
        assertTrue(x.path("pruned_fraction").asDouble() > 0.001 && x.path("pruned_fraction").asDouble() < 0.2, c + " " + m);
      }
      // FIA and random prune as many weights as ConceptPrune (FIA: the matched r2, within a few weights)
      double cp = c.path("methods").path("cp").path("pruned_fraction").asDouble();
      assertEquals(cp, c.path("methods").path("random").path("pruned_fraction").asDouble(), 1e-12);
      assertEquals(cp, c.path("methods").path("fia").path("pruned_fraction").asDouble(), 0.002);
    }
    assertEquals(3, json.path("methods").size());
    assertEquals(6, json.path("robustness").size(), "revival and UnlearnDiffAtk for each of the three methods");
    for (JsonNode x : json.path("robustness")) {
      int targets = x.path("targets").asInt();
      assertEquals(targets, x.path("before_attack").asInt() + x.path("by_attack").asInt() + x.path("failed").asInt(), x.toString());
      if (targets > 0) {
        assertEquals((x.path("before_attack").asInt() + x.path("by_attack").asInt()) / (double) targets, x.path("asr").asDouble(), 1e-12);
        assertTrue(Files.exists(out.resolve(x.path("picture").path("image").asText())), x.toString());
      }
    }
    // random pruning of as many weights erases nothing the judge can see: the concept shows before any attack
    for (JsonNode x : json.path("robustness")) {
      if (x.path("method").asText().equals("random")) assertEquals(0, x.path("by_attack").asInt(), x.toString());
    }
    String f = json.path("featured").path("concept").asText();
    assertTrue(List.of("zorbly", "heart").contains(f));
    assertEquals(2, json.path("sweep").size());
    assertTrue(json.path("strip").size() >= 4, "the featured concept's asking images");
    for (JsonNode s : json.path("strip")) {
      for (String m : List.of("base", "cp", "fia", "random")) assertTrue(Files.exists(out.resolve(s.path("images").path(m).asText())), s.toString());
    }
  }

  @Test
  void everyStageShowsProgressWithAnEta() {
    for (String stage : List.of("demo 1/4", "demo 2/4", "demo 3/4", "demo 4/4", "statistics and masks (concepts)", "generating (images of",
        "attacks (method x attack runs)")) {
      assertTrue(log.contains(stage), "no '" + stage + "' in the log");
    }
    assertTrue(Pattern.compile("generating \\(images of \\d+ models\\) \\[#*-*\\] \\d+/\\d+ .*ETA").matcher(log).find(), log);
  }

  @Test
  void everyNumberOnThePageIsOneOfResultsJson() throws Exception {
    String html = Files.readString(out.resolve("index.html"));
    Matcher m = Pattern.compile("<span class=n data-path='([^']+)' data-fmt=(\\w+)>([^<]*)</span>").matcher(html);
    int n = 0;
    while (m.find()) {
      double v = Html.value(json, m.group(1));
      assertFalse(Double.isNaN(v) && !m.group(3).equals("n/a"), m.group(1));
      assertEquals(Html.format(v, m.group(2)), m.group(3), m.group(1));
      n++;
    }
    assertTrue(n > 60, "only " + n + " numbers on the page");
    // the summary's numbers are all such spans: nothing numeric outside them but the table headings' words
    String summary = html.substring(html.indexOf("<section id=summary>"), html.indexOf("<section id=strip>"));
    String bare = summary.replaceAll("<span class=n [^>]*>[^<]*</span>", "").replaceAll("<[^>]+>", " ").replace("ff.net.2", "").replace("95%", "");
    assertFalse(Pattern.compile("\\d").matcher(bare).find(), "a number in the summary that is not from results.json: " + bare);
  }

  @Test
  void pageFitsAt1280PxWithEveryImageAndSection() throws Exception {
    Chromium.Page page = Chromium.render(out.resolve("index.html"), "#check", 1280);
    int scroll = Chromium.attr(page.dom(), "data-scroll-width");
    int inner = Chromium.attr(page.dom(), "data-inner-width");
    assertEquals(1280, inner);
    assertTrue(scroll <= inner, "horizontal overflow: scrollWidth " + scroll + " > innerWidth " + inner);
    assertTrue(page.imagesTotal() >= 4 * 4 + 6, page.toString());
    assertEquals(page.imagesTotal(), page.imagesLoaded(), page.toString());
    for (String s : DemoPage.SECTIONS) assertTrue(page.dom().contains("id=\"" + s + "\""), "no section " + s);
    assertTrue(page.dom().contains("id=\"provenance\""));
    assertTrue(page.svgs() >= 2, page.toString());
    // HTML runs an unquoted value into "/>" (r=5/> is r="5/" and leaves the element open): none may end so
    Matcher svg = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(page.dom());
    while (svg.find()) assertFalse(Pattern.compile("=\"[^\"]*/\"").matcher(svg.group()).find(), "an SVG attribute value ending in '/'");
    for (String label : List.of("judged accuracy on the concept's prompts", "k (share of each row's weights marked)", "before (base model)",
        "ConceptPrune, after", "random pruning (control), after", "solid: the erased concept")) {
      assertTrue(page.dom().contains(label), "no axis label or legend '" + label + "'");
    }
    String beforeProvenance = page.dom().substring(0, page.dom().indexOf("id=\"provenance\""));
    String tmpDir = Path.of(System.getProperty("java.io.tmpdir")).toString();
    assertFalse(beforeProvenance.contains(tmpDir + "/"), "a path outside the provenance block");
  }

  @Test
  void badSettingsAreOneLineAndWriteNothing() {
    String[][] cases = {{"--k", "2", "--k must lie in (0, 1), got 2.0"}, {"--workers", "0", "--workers must be at least 1, got 0"},
        {"--concept", "nope", "'nope' is neither a style"}, {"--others-sample", "0", "--others-sample must be at least 1, got 0"},
        {"--ud-iterations", "0", "--ud-iterations must be at least 1, got 0"}};
    for (String[] c : cases) {
      Path o = tmp.resolve("bad");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = org.conceptprune.cli.Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--out", o.toString(), c[0], c[1]);
      assertEquals(2, code, err.toString());
      String[] lines = err.toString().strip().split("\\R");
      assertTrue(lines[lines.length - 1].startsWith("error: ") && lines[lines.length - 1].contains(c[2]), err.toString());
      assertFalse(Files.exists(o), "nothing may be written for " + c[0] + " " + c[1]);
    }
  }

  private static void interval(JsonNode v) {
    double x = v.path("value").asDouble(Double.NaN);
    assertTrue(x >= 0 && x <= 1, v.toString());
    assertTrue(v.path("ci95_low").asDouble() <= x && x <= v.path("ci95_high").asDouble(), v.toString());
    assertTrue(v.path("n").asInt() > 0, v.toString());
  }
}
