package org.conceptprune.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.HtmlText;

/**
 * {@code OUT/index.html}: opens offline (images by relative path, plots as inline SVG). Settings,
 * the results table, the k / t̂ sweep (erased vs preserved, the paper's Figure 4/5 shape), a bar
 * chart per metric and grids of the same prompt and seed for every model. A script counts the
 * pictures that loaded into {@code body[data-images-loaded]} (the Chromium test reads it).
 */
final class Report {
  private Report() {}

  /**
   * @param gridRows rows to show in the grids, under a heading each
   * @param scores each image's scores by "model/row", for the captions under the grid images
   */
  static void write(Path dir, Experiment e, RunManifest m, List<ResultRow> rows, List<String> models,
      Map<String, List<PromptRow>> gridRows, ImageStore store, Map<String, ImageScore> scores) {
    StringBuilder h = new StringBuilder();
    h.append("<!doctype html><html lang=en><meta charset=utf-8><title>").append(HtmlText.esc(e.name())).append(" evaluation</title>")
        .append("<style>body{font-family:sans-serif;margin:1em auto;max-width:1200px}table{border-collapse:collapse}")
        .append("td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;font-size:13px}")
        .append(".grid img{image-rendering:pixelated;width:96px;height:96px}.grid td{vertical-align:top}")
        .append("small{color:#666}svg{background:#fafafa;border:1px solid #eee}</style><body data-images-loaded=0>");
    h.append("<h1>").append(HtmlText.esc(e.name())).append(" — ConceptPrune evaluation</h1>");
    h.append("<p>Prompt set <code>").append(HtmlText.esc(m.promptSet())).append("</code>; generation ")
        .append(HtmlText.esc(m.generation().toString())).append("; recipe ").append(HtmlText.esc(m.recipe().toString()));
    if (!m.selection().describe().isEmpty()) h.append("; ").append(HtmlText.esc(m.selection().describe()));
    h.append(".</p><h2>Models</h2><table><tr><th>label</th><th>model / mask</th></tr>");
    for (String md : models) h.append("<tr><td>").append(HtmlText.esc(md)).append("</td><td>").append(HtmlText.esc(m.models().getOrDefault(md, ""))).append("</td></tr>");
    h.append("</table><h2>Results</h2>").append(table(rows, e.tableMetrics()));
    h.append("<p><small>Intervals: percentile bootstrap, 95%, ").append(Bootstrap.RESAMPLES).append(" resamples of the images.</small></p>");
    h.append(e.reportHtml(rows, models));
    if (!e.sweep().isEmpty()) h.append("<h2>Sweep over k and t̂</h2>").append(Plots.sweep(rows, e.sweep()));
    h.append("<h2>Per model</h2>");
    Set<String> metrics = new LinkedHashSet<>();
    for (ResultRow r : rows) metrics.add(r.metric());
    for (String mt : metrics) {
      List<ResultRow> of = rows.stream().filter(r -> r.metric().equals(mt)).toList();
      if (of.size() > 1) h.append(Plots.bars(mt, of));
    }
    h.append("<h2>Images (same prompt and seed in every column)</h2>");
    for (var g : gridRows.entrySet()) {
      List<String> cols = new ArrayList<>();
      for (String md : models) {
        for (PromptRow r : g.getValue()) {
          if (store.done(md, r.index())) {
            cols.add(md);
            break;
          }
        }
      }
      if (cols.isEmpty()) continue;
      h.append("<h3>").append(HtmlText.esc(g.getKey())).append("</h3><table class=grid><tr><th>prompt</th>");
      for (String c : cols) h.append("<th>").append(HtmlText.esc(c)).append("</th>");
      h.append("</tr>");
      for (PromptRow r : g.getValue()) {
        h.append("<tr><td><small>").append(HtmlText.esc(r.prompt())).append("</small></td>");
        for (String c : cols) {
          h.append("<td>");
          if (store.done(c, r.index())) {
            String src = dir.relativize(store.png(c, r.index())).toString().replace('\\', '/');
            h.append("<img alt=\"").append(HtmlText.esc(c + " row " + r.index())).append("\" src=\"").append(HtmlText.esc(src)).append("\">");
            ImageScore sc = scores.get(c + "/" + r.index());
            String cap = sc == null ? null : e.imageCaption(sc);
            if (cap != null) h.append("<br><small class=cap>").append(HtmlText.esc(cap)).append("</small>");
          }
          h.append("</td>");
        }
        h.append("</tr>");
      }
      h.append("</table>");
    }
    h.append("<script>(function(){var n=0,imgs=document.images,left=imgs.length;function done(){document.body.dataset.imagesLoaded=n;")
        .append("document.body.dataset.imagesTotal=imgs.length;}for(var i=0;i<imgs.length;i++){var im=imgs[i];")
        .append("if(im.complete&&im.naturalWidth>0){n++;}else{im.addEventListener('load',function(){n++;done();});}}done();})();</script>");
    h.append("</body></html>\n");
    AtomicFiles.writeString(dir.resolve("index.html"), h.toString());
  }

  static String table(List<ResultRow> rows, List<String> metrics) {
    Results.Pivot p = Results.pivot(rows, metrics);
    StringBuilder h = new StringBuilder("<table class=results><tr><th>model</th><th>subject</th>");
    for (String c : p.columns()) h.append("<th>").append(HtmlText.esc(c)).append("</th>");
    h.append("</tr>");
    for (int i = 0; i < p.keys().size(); i++) {
      h.append("<tr><td>").append(HtmlText.esc(p.keys().get(i)[0])).append("</td><td>").append(HtmlText.esc(p.keys().get(i)[1])).append("</td>");
      for (String c : p.columns()) h.append("<td>").append(HtmlText.esc(Results.cell(p.cells().get(i).get(c)))).append("</td>");
      h.append("</tr>");
    }
    return h.append("</table>").toString();
  }
}
