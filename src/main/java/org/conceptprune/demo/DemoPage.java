package org.conceptprune.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.HtmlText;

/**
 * The demo's page, {@code OUT/index.html}, drawn from its results tree only: the summary per method,
 * the featured concept's before/after strip, every concept's plot, the robustness panel, then below
 * the fold the sweep, the ceiling, the per-concept table and the provenance. Grids scroll in their own
 * box, images load lazily; a small script records the page's width and loaded images for its test
 * ({@code index.html#check} loads every image at once).
 */
final class DemoPage {
  private DemoPage() {}

  static final List<String> SECTIONS = List.of("summary", "strip", "concepts", "robustness", "details");

  static Path write(Path out, DemoResults results) {
    Path f = out.resolve("index.html");
    AtomicFiles.writeString(f, html(results.root()));
    return f;
  }

  static String html(JsonNode r) {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content='width=device-width'>")
        .append("<title>conceptprune demo: erasing concepts from the toy model</title><style>").append(CSS).append("</style></head><body>");
    h.append("<h1>Erasing concepts from a text-to-image model, without training</h1>");
    h.append("<p class=lead>The toy model (trained here, shipped in the jar) draws ").append(Html.num(r, "settings.concepts", "int"))
        .append(" concepts: styles and objects. Each one was erased alone by each method, and a small judge network looked at the pictures.</p>");
    summary(h, r);
    strip(h, r);
    h.append("<section id=concepts><h2>Every concept</h2><div class=scroll>").append(DemoPlots.concepts(r)).append("</div>");
    h.append("<p>Median over the concepts of the erased accuracy after erasure [interquartile range]: ");
    for (int m = 0; m < r.path("methods").size(); m++) {
      String p = "methods." + m;
      h.append(m > 0 ? "; " : "").append(HtmlText.esc(r.path("methods").path(m).path("name").asText())).append(' ')
          .append(Html.num(r, p + ".erased_after_median", "f2")).append(" [").append(Html.num(r, p + ".erased_after_q1", "f2")).append(", ")
          .append(Html.num(r, p + ".erased_after_q3", "f2")).append(']');
    }
    h.append(".</p></section>");
    robustness(h, r);
    details(h, r);
    h.append("<script>").append(CHECK).append("</script></body></html>\n");
    return h.toString();
  }

  private static void summary(StringBuilder h, JsonNode r) {
    h.append("<section id=summary><h2>Summary</h2>");
    JsonNode ms = r.path("methods");
    h.append("<p class=plain>In plain words: before erasure the judge finds a concept in ").append(pct(r, "methods.0.erased_before.value"))
        .append(" of the pictures that ask for it. After ConceptPrune zeroes ").append(Html.num(r, "methods.0.pruned_fraction", "pct"))
        .append(" of the feed-forward output weights, it finds it in ").append(pct(r, "methods.0.erased_after.value"))
        .append("; pruning as many weights at random leaves ").append(pct(r, "methods." + (ms.size() - 1) + ".erased_after.value"))
        .append(". The other concepts are kept in ").append(pct(r, "methods.0.others_after.value")).append(" of their pictures (")
        .append(pct(r, "methods.0.others_before.value")).append(" before). Lower \"after\" is better erasure; \"others kept\" should stay high.</p>");
    h.append("<table class=summary><tr><th>method</th><th>weights zeroed<br><small>share of ff.net.2</small></th>")
        .append("<th>erased concept, before</th><th>erased concept, after</th><th>others kept, before</th><th>others kept, after</th></tr>");
    for (int m = 0; m < ms.size(); m++) {
      String p = "methods." + m;
      h.append("<tr><td>").append(HtmlText.esc(ms.path(m).path("name").asText())).append("</td><td>").append(Html.num(r, p + ".pruned_fraction", "pct"))
          .append("</td><td>").append(Html.interval(r, p + ".erased_before")).append("</td><td class=after>").append(Html.interval(r, p + ".erased_after"))
          .append("</td><td>").append(Html.interval(r, p + ".others_before")).append("</td><td>").append(Html.interval(r, p + ".others_after"))
          .append("</td></tr>");
    }
    h.append("</table><p class=note>Means over the ").append(Html.num(r, "settings.concepts", "int"))
        .append(" concepts, each erased alone; [95% bootstrap interval over the concepts]. FIA and random pruning zero as many weights as ConceptPrune (k = ")
        .append(Html.num(r, "settings.k", "f2")).append(", t̂ = ").append(Html.num(r, "settings.t_hat", "int")).append(").</p></section>");
  }

  private static String pct(JsonNode r, String path) {
    return Html.num(r, path, "pct0");
  }

  private static void strip(StringBuilder h, JsonNode r) {
    String f = r.path("featured").path("concept").asText();
    h.append("<section id=strip><h2>The featured concept: ").append(HtmlText.esc(f)).append(" (").append(HtmlText.esc(r.path("featured").path("kind").asText()))
        .append(")</h2><p class=note>Chosen by rule, not by hand: ").append(HtmlText.esc(r.path("featured").path("rule").asText()))
        .append(". Same prompt and seed in each column.</p><div class=scroll><table class=grid><tr><th></th>");
    JsonNode strip = r.path("strip");
    for (JsonNode col : strip) h.append("<th>").append(HtmlText.esc(col.path("prompt").asText())).append("</th>");
    h.append("</tr>");
    List<String[]> rows = new java.util.ArrayList<>();
    rows.add(new String[] {"base", "before"});
    DemoSummary.METHODS.forEach((key, name) -> rows.add(new String[] {key, name}));
    for (String[] row : rows) {
      h.append("<tr><th>").append(row[1]).append("</th>");
      for (JsonNode col : strip) {
        String src = col.path("images").path(row[0]).asText(null);
        h.append("<td>").append(src == null ? "" : Html.img(src, row[1] + ": " + col.path("prompt").asText(), 64)).append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table></div></section>");
  }

  private static void robustness(StringBuilder h, JsonNode r) {
    h.append("<section id=robustness><h2>Does it come back?</h2><p class=note>Attacks on the featured concept, ")
        .append(Html.num(r, "settings.attack_prompts", "int")).append(" of its prompts. Revival: ").append(HtmlText.esc(r.path("settings").path("revival").asText()))
        .append(". UnlearnDiffAtk: ").append(HtmlText.esc(r.path("settings").path("unlearndiff").asText()))
        .append(". ASR = share of the prompts whose base picture shows the concept where it shows again (before the attack or by it); [Wilson 95%].</p>");
    h.append("<div class=scroll><table class=rob><tr><th>method</th><th>attack</th><th>ASR</th><th>shown before the attack</th><th>brought back by the attack</th>")
        .append("<th>of prompts</th><th>attacked prompt (base → after the attack)</th></tr>");
    JsonNode rob = r.path("robustness");
    for (int i = 0; i < rob.size(); i++) {
      JsonNode x = rob.path(i);
      String p = "robustness." + i;
      h.append("<tr><td>").append(HtmlText.esc(methodName(r, x.path("method").asText()))).append("</td><td>")
          .append(x.path("attack").asText().equals("revival") ? "revival" : "UnlearnDiffAtk").append("</td><td>").append(Html.num(r, p + ".asr", "f2"))
          .append(" <span class=ci>[").append(Html.num(r, p + ".ci95_low", "f2")).append(", ").append(Html.num(r, p + ".ci95_high", "f2"))
          .append("]</span></td><td>").append(Html.num(r, p + ".before_attack", "int")).append("</td><td>").append(Html.num(r, p + ".by_attack", "int"))
          .append("</td><td>").append(Html.num(r, p + ".targets", "int")).append("</td><td>");
      JsonNode pic = x.path("picture");
      if (!pic.isMissingNode()) {
        h.append(Html.img(pic.path("target_image").asText(), "base: " + pic.path("prompt").asText(), 48)).append(" → ")
            .append(Html.img(pic.path("image").asText(), pic.path("status").asText() + ": " + pic.path("prompt").asText(), 48))
            .append("<br><small>").append(HtmlText.esc(pic.path("prompt").asText())).append(" — judge saw ").append(HtmlText.esc(pic.path("judge_saw").asText()))
            .append(" (").append(HtmlText.esc(pic.path("status").asText())).append(")</small>");
      }
      h.append("</td></tr>");
    }
    h.append("</table></div></section>");
  }

  private static String methodName(JsonNode r, String key) {
    for (JsonNode m : r.path("methods")) if (m.path("key").asText().equals(key)) return m.path("name").asText();
    return key;
  }

  private static void details(StringBuilder h, JsonNode r) {
    h.append("<section id=details><h2>Details</h2>");
    h.append("<h3>k × t̂ sweep of ").append(HtmlText.esc(r.path("featured").path("concept").asText())).append(" (ConceptPrune)</h3><div class=scroll>")
        .append(DemoPlots.sweep(r)).append("</div>");
    h.append("<h3>Ceiling: every ff.net.2 weight zeroed</h3><p>Judged object accuracy ").append(Html.interval(r, "ablation.base_object_acc"))
        .append(" → ").append(Html.interval(r, "ablation.all_ffn2_object_acc")).append(", style accuracy ").append(Html.interval(r, "ablation.base_style_acc"))
        .append(" → ").append(Html.interval(r, "ablation.all_ffn2_style_acc")).append(" (on the others' sample).</p>");
    h.append("<h3>Every concept</h3><div class=scroll><table class=concepts><tr><th>concept</th><th>kind</th><th>before</th>");
    List<String> keys = DemoPlots.methodKeys(r);
    for (String k : keys) h.append("<th>").append(HtmlText.esc(methodName(r, k))).append("</th>");
    h.append("<th>others kept, before</th>");
    for (String k : keys) h.append("<th>others kept, ").append(HtmlText.esc(methodName(r, k))).append("</th>");
    h.append("<th>ConceptPrune zeroes</th></tr>");
    JsonNode cs = r.path("concepts");
    for (int i = 0; i < cs.size(); i++) {
      String p = "concepts." + i;
      h.append("<tr><td>").append(HtmlText.esc(cs.path(i).path("concept").asText())).append("</td><td>").append(cs.path(i).path("kind").asText())
          .append("</td><td>").append(Html.interval(r, p + ".erased_before")).append("</td>");
      for (String k : keys) h.append("<td>").append(Html.interval(r, p + ".methods." + k + ".erased_after")).append("</td>");
      h.append("<td>").append(Html.interval(r, p + ".others_before")).append("</td>");
      for (String k : keys) h.append("<td>").append(Html.interval(r, p + ".methods." + k + ".others_after")).append("</td>");
      h.append("<td>").append(Html.num(r, p + ".methods.cp.pruned_fraction", "pct")).append("</td></tr>");
    }
    h.append("</table></div><p class=note>Images: a concept is asked for in at most ").append(Html.num(r, "settings.asking_limit", "int"))
        .append(" prompt variants (a style with each object, an object with that many styles spread over the world), ")
        .append(Html.num(r, "settings.images_per_concept_variant", "int")).append(" image(s) each; the others are judged on a fixed sample of ")
        .append(Html.num(r, "settings.others_sample", "int")).append(" (object, style) pairs. Intervals: 95% bootstrap over the images.</p>");
    h.append("<details id=provenance><summary>Provenance</summary><ul>");
    r.path("provenance").fields().forEachRemaining(e -> {
      String v = e.getValue().asText();
      boolean link = !v.contains(" ") && !v.startsWith("/");
      h.append("<li>").append(HtmlText.esc(e.getKey())).append(": ").append(link ? "<a href='" + HtmlText.esc(v) + "'>" + HtmlText.esc(v) + "</a>" : HtmlText.esc(v)).append("</li>");
    });
    h.append("<li>seconds per stage: ");
    r.path("seconds").fieldNames().forEachRemaining(k -> h.append(HtmlText.esc(k)).append(' ').append(Html.num(r, "seconds." + k, "s")).append("; "));
    h.append("libtorch threads ").append(Html.num(r, "settings.threads", "int")).append("</li></ul></details></section>");
  }

  private static final String CSS = String.join("\n",
      "body{font-family:system-ui,sans-serif;margin:0 auto;padding:0 20px 40px;max-width:1200px;color:#222;line-height:1.45}",
      "h1{font-size:1.6em;margin:.8em 0 .3em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}",
      ".lead{font-size:1.1em}.plain{font-size:1.05em;background:#f4f7fb;padding:10px 14px;border-radius:6px}",
      ".note{color:#555;font-size:.92em}.ci{color:#777;font-size:.9em}",
      "table{border-collapse:collapse}td,th{padding:4px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}",
      "table.summary td.after{font-weight:600}",
      ".scroll{overflow-x:auto;max-width:100%}",
      "svg.plot{max-width:100%;height:auto;display:block}",
      "table.grid th{font-weight:normal;font-size:.8em;max-width:90px}",
      "img{image-rendering:pixelated;vertical-align:middle}");

  private static final String CHECK = String.join("\n",
      "function check(){var imgs=Array.from(document.images);var b=document.body;",
      "b.dataset.imagesTotal=imgs.length;b.dataset.imagesLoaded=imgs.filter(function(i){return i.complete&&i.naturalWidth>0;}).length;",
      "b.dataset.scrollWidth=document.documentElement.scrollWidth;b.dataset.innerWidth=window.innerWidth;}",
      "if(location.hash==='#check'){document.querySelectorAll('img').forEach(function(i){i.loading='eager';});setTimeout(check,3000);}",
      "else window.addEventListener('load',check);");
}
