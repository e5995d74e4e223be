package org.conceptprune.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyImages;
import org.conceptprune.toy.ToyJudge;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.ToyReport;
import org.conceptprune.toy.ToyWorld;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.OutputPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: on the shipped toy model, erase one style and one object with ConceptPrune, write
 * before/after grids and an HTML report (accuracy of the judge on the erased concept, on what it
 * appears with and on everything else; the random-pruning control; the all-ff.net.2 ceiling).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Erase one style and one object from the shipped toy model; before/after grids (PNG) and an HTML report with the judge's numbers.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "out/demo", description = "Output folder (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--style", defaultValue = "zorbly", description = "Style to erase (default ${DEFAULT-VALUE}).")
  String style;

  @Option(names = "--object", defaultValue = "heart", description = "Object to erase (default ${DEFAULT-VALUE}).")
  String object;

  @Option(names = "--k", paramLabel = "K", defaultValue = "0.05", description = "k (default ${DEFAULT-VALUE}).")
  double k;

  @Option(names = "--timesteps", defaultValue = "10", description = "t̂ (default ${DEFAULT-VALUE}).")
  int tHat;

  @Option(names = "--model", description = "A toy model folder (default: the shipped one).")
  Path model;

  @Override
  public Integer call() throws IOException {
    OutputPaths.inputs().add("--model", model).check("--out", out);
    Files.createDirectories(out);
    Path dir = model != null ? model : ToyModel.extractBundled();
    List<int[]> concepts = List.of(new int[] {1, ToyWorld.styleIndex(style)}, new int[] {0, ToyWorld.objectIndex(object)});
    try (StableDiffusion sd = StableDiffusion.loadFolder(dir); ToyJudge j = ToyJudge.loadBundled()) {
      ToyReport.Options o = new ToyReport.Options(k, tHat, concepts, 1, 2, null, null, 0, ToyEval.Sampling.defaults());
      Map<String, Object> r = ToyReport.run(sd, j, o, System.out::println);
      ToyReport.writeJson(r, out.resolve("report.json"));
      html(r, out);
      System.out.println("demo: " + out.resolve("index.html"));
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  static void html(Map<String, Object> r, Path out) throws IOException {
    StringBuilder h = new StringBuilder("<!doctype html><meta charset=utf-8><title>ConceptPrune toy demo</title>"
        + "<style>body{font-family:sans-serif;max-width:1100px}td,th{padding:3px 8px;border-bottom:1px solid #ddd}</style>"
        + "<h1>ConceptPrune on the toy model</h1>");
    Map<String, Object> s = (Map<String, Object>) r.get("settings");
    ToyEval.Acc base = (ToyEval.Acc) r.get("unpruned");
    Map<String, Object> abl = (Map<String, Object>) r.get("ablation");
    h.append(String.format(Locale.ROOT, "<p>Settings: k=%s, t̂=%s, DDIM %s steps, guidance %s. Unpruned judge accuracy on every pair: %s.</p>",
        s.get("k"), s.get("t_hat"), s.get("steps"), s.get("guidance"), base.fmt()));
    h.append("<h2>Ablation (ceiling)</h2><table><tr><th>zeroed</th><th>object acc</th><th>style acc</th></tr>");
    for (String key : List.of("all_ff_net_2", "all_attn2_to_out", "random_same_count_as_ff_net_2")) {
      ToyEval.Acc a = (ToyEval.Acc) abl.get(key);
      h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.3f</td><td>%.3f</td></tr>", key, a.object(), a.style()));
    }
    h.append("</table><h2>Erasure</h2><table><tr><th>concept</th><th>pruned weights (share of ff.net.2)</th>"
        + "<th>erased concept: before / ConceptPrune / random</th><th>what it appears with: before / CP / random</th>"
        + "<th>others object acc: before / CP / random</th><th>others style acc: before / CP / random</th></tr>");
    List<Map<String, Object>> rows = new ArrayList<>((List<Map<String, Object>>) r.get("erasure"));
    int i = 0;
    for (Map<String, Object> row : rows) {
      ToyEval.Acc ob = (ToyEval.Acc) row.get("others_before");
      ToyEval.Acc oa = (ToyEval.Acc) row.get("others_after");
      ToyEval.Acc or = (ToyEval.Acc) row.get("others_random");
      h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d (%.2f%%)</td><td>%.3f / <b>%.3f</b> / %.3f</td><td>%.3f / %.3f / %.3f</td>"
          + "<td>%.3f / %.3f / %.3f</td><td>%.3f / %.3f / %.3f</td></tr>", row.get("concept"), (long) row.get("pruned_weights"),
          100 * (double) row.get("density_ffn2"), row.get("erased_before"), row.get("erased_after"), row.get("erased_random"),
          row.get("with_before"), row.get("with_after"), row.get("with_random"), ob.object(), oa.object(), or.object(),
          ob.style(), oa.style(), or.style()));
      String f = "concept" + i++;
      grid((float[]) row.get("target_images_before"), out.resolve(f + "-before.png"));
      grid((float[]) row.get("target_images_after"), out.resolve(f + "-after.png"));
    }
    h.append("</table><h2>Grids (prompts asking for the erased concept, same seeds)</h2>");
    i = 0;
    for (Map<String, Object> row : rows) {
      String f = "concept" + i++;
      h.append("<h3>").append(row.get("concept")).append("</h3><p>before<br><img src=").append(f)
          .append("-before.png><br>after<br><img src=").append(f).append("-after.png></p>");
    }
    AtomicFiles.writeString(out.resolve("index.html"), h.toString());
  }

  /** NHWC images -> a grid PNG (CHW for ToyImages), 6 per row, 3x scale. */
  static void grid(float[] nhwc, Path png) {
    int px = ToyWorld.PIXELS;
    int hw = ToyWorld.SIZE * ToyWorld.SIZE;
    List<float[]> ims = new ArrayList<>();
    for (int n = 0; n < nhwc.length / px; n++) {
      float[] chw = new float[px];
      for (int p = 0; p < hw; p++) for (int c = 0; c < 3; c++) chw[c * hw + p] = nhwc[n * px + p * 3 + c];
      ims.add(chw);
    }
    int cols = ims.size() % 6 == 0 ? (ims.size() >= 16 && ims.size() % 16 == 0 ? 16 : 6) : 8;
    ToyImages.writeGrid(ims, ToyWorld.SIZE, cols, 3, png);
  }
}
