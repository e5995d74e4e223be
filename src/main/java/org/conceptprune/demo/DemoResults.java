package org.conceptprune.demo;

import static org.conceptprune.experiment.Results.num;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.conceptprune.attack.AttackMethodKind;
import org.conceptprune.experiment.ResultRow;
import org.conceptprune.experiment.ToyAblation;
import org.conceptprune.experiment.Results;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.UserError;

/**
 * The demo's {@code results.json}: settings, the featured concept and its rule, per method and per
 * concept the erased accuracy before and after with its interval and the others kept, the robustness
 * rows, the sweep, the ceiling, the picture strip and the provenance. The page is drawn from this
 * tree alone ({@link DemoPage}), so every number on it is one of the file's.
 */
final class DemoResults {
  static final ObjectMapper JSON = new ObjectMapper();
  private final ObjectNode root = JSON.createObjectNode();

  DemoResults(DemoRequest r, DemoSummary s, List<ResultRow> rows, List<PromptRow> prompts, List<ResultRow> sweepRows,
      Map<String, double[]> sweep, List<Robustness.Row> rob, Path model, Map<String, Double> seconds) {
    ObjectNode set = root.putObject("settings");
    set.put("k", r.k()).put("t_hat", r.tHat()).put("images_per_concept_variant", r.perConcept()).put("asking_limit", r.askingLimit())
        .put("others_sample", r.othersSample());
    set.put("concepts", s.concepts().size()).put("attack_prompts", r.attackPrompts()).put("unlearndiff", Robustness.budget(r));
    set.put("revival", "naive: every exact zero; top ratio 0.6, magnitude max, seed 2021 (the paper's settings)");
    set.put("threads", TorchRuntime.threads());
    root.putObject("featured").put("concept", s.featured()).put("kind", s.concept(s.featured()).style() ? "style" : "object")
        .put("rule", s.rule());
    ArrayNode methods = root.putArray("methods");
    for (DemoSummary.Method m : s.methods()) {
      ObjectNode o = methods.addObject().put("key", m.key()).put("name", m.name());
      num(o, "pruned_fraction", m.pruned());
      value(o, "erased_before", m.before());
      value(o, "erased_after", m.after());
      value(o, "others_before", m.othersBefore());
      value(o, "others_after", m.othersAfter());
      num(o, "erased_after_median", m.median());
      num(o, "erased_after_q1", m.q1());
      num(o, "erased_after_q3", m.q3());
    }
    ArrayNode concepts = root.putArray("concepts");
    for (DemoSummary.Concept c : s.concepts()) {
      ObjectNode o = concepts.addObject().put("concept", c.name()).put("kind", c.style() ? "style" : "object");
      value(o, "erased_before", c.before());
      value(o, "others_before", c.othersBefore());
      ObjectNode per = o.putObject("methods");
      for (String m : DemoSummary.METHODS.keySet()) {
        ObjectNode x = per.putObject(m);
        value(x, "erased_after", c.after().get(m));
        value(x, "others_after", c.othersAfter().get(m));
        num(x, "pruned_fraction", c.pruned().get(m));
      }
    }
    ArrayNode robustness = root.putArray("robustness");
    for (Robustness.Row x : rob) robustness.add(robustness(x, r));
    ArrayNode sw = root.putArray("sweep");
    for (var e : sweep.entrySet()) {
      ObjectNode o = sw.addObject().put("model", e.getKey()).put("k", e.getValue()[0]).put("t_hat", (int) e.getValue()[1]);
      value(o, "erased_after", find(sweepRows, e.getKey(), s.featured(), "erased_acc"));
      value(o, "others_after", find(sweepRows, e.getKey(), s.featured(), s.concept(s.featured()).style() ? "others_style_acc" : "others_object_acc"));
    }
    ObjectNode ab = root.putObject("ablation");
    for (String metric : List.of("object_acc", "style_acc")) {
      value(ab, "base_" + metric, find(rows, "base", "", metric));
      value(ab, "all_ffn2_" + metric, find(rows, ToyAblation.FF_NET_2.label(), "", metric));
    }
    ArrayNode strip = root.putArray("strip");
    for (PromptRow p : prompts) {
      if (!p.field("set").equals("asking:" + s.featured())) continue;
      ObjectNode o = strip.addObject().put("row", p.index()).put("prompt", p.prompt()).put("seed", p.seed()).put("slot", p.slot());
      ObjectNode img = o.putObject("images");
      img.put("base", "evaluation/images/base/" + p.index() + ".png");
      for (String m : DemoSummary.METHODS.keySet()) img.put(m, "evaluation/images/" + s.featured() + "-" + m + "/" + p.index() + ".png");
    }
    ObjectNode sec = root.putObject("seconds");
    seconds.forEach(sec::put);
    ObjectNode prov = root.putObject("provenance");
    prov.put("model", r.model() == null ? "the toy model shipped in the jar (extracted to " + model + ")" : model.toString());
    prov.put("evaluation", "evaluation/results.json").put("evaluation_report", "evaluation/index.html");
    prov.put("sweep", "sweep/results.json").put("robustness", "robustness/");
    Results.putRows(root.putArray("evaluation_rows"), rows);
  }

  private static ObjectNode robustness(Robustness.Row x, DemoRequest r) {
    var s = x.summary();
    ObjectNode o = JSON.createObjectNode().put("method", x.method()).put("attack", x.attack().cliName());
    o.put("budget", x.attack() == AttackMethodKind.REVIVAL ? "naive revival of every exact zero" : Robustness.budget(r));
    num(o, "asr", s.asr());
    num(o, "ci95_low", s.lo());
    num(o, "ci95_high", s.hi());
    o.put("targets", s.targets()).put("before_attack", s.preAttack()).put("by_attack", s.attack()).put("failed", s.failed());
    o.put("prompts", s.prompts()).put("seconds", s.seconds());
    JsonNode pick = picture(x.dir());
    if (pick != null) o.set("picture", pick);
    return o;
  }

  /** The attacked prompt to show: the first success of the attack, else the first failure, else the first prompt shown before it. */
  static JsonNode picture(Path dir) {
    JsonNode best = null;
    int rank = 9;
    try (var files = Files.list(dir.resolve("outcomes"))) {
      for (Path f : files.sorted((a, b) -> Integer.compare(number(a), number(b))).toList()) {
        JsonNode o = JSON.readTree(f.toFile());
        String status = o.path("status").asText();
        int r = switch (status) {
          case "attack" -> 0;
          case "failed" -> 1;
          case "pre-attack" -> 2;
          default -> 9;
        };
        if (r >= rank) continue;
        rank = r;
        JsonNode shown = r == 2 ? o.path("before") : o.path("attack");
        String rel = dir.getFileName() + "/" + shown.path("image").asText();
        best = JSON.createObjectNode().put("status", status).put("prompt", r == 2 ? o.path("prompt").asText() : shown.path("prompt").asText())
            .put("judge_saw", shown.path("judge_saw").asText()).put("image", "robustness/" + rel)
            .put("target_image", "robustness/" + dir.getFileName() + "/" + o.path("target").path("image").asText());
      }
    } catch (java.io.IOException e) {
      throw new UserError(dir + ": cannot read the attack outcomes (" + e.getMessage() + ")", e);
    }
    return best;
  }

  private static int number(Path f) {
    String n = f.getFileName().toString();
    try {
      return Integer.parseInt(n.substring(0, n.indexOf('.')));
    } catch (RuntimeException e) {
      return Integer.MAX_VALUE;
    }
  }

  private static DemoSummary.Value find(List<ResultRow> rows, String model, String subject, String metric) {
    ResultRow x = ResultRow.find(rows, model, subject, metric);
    return x == null ? new DemoSummary.Value(Double.NaN, Double.NaN, Double.NaN, 0) : new DemoSummary.Value(x.value(), x.lo(), x.hi(), x.n());
  }

  static void value(ObjectNode o, String key, DemoSummary.Value v) {
    ObjectNode x = o.putObject(key);
    num(x, "value", v.value());
    num(x, "ci95_low", v.lo());
    num(x, "ci95_high", v.hi());
    x.put("n", v.n());
  }

  JsonNode root() {
    return root;
  }

  Path write(Path out) {
    Path f = out.resolve("results.json");
    AtomicFiles.writeString(f, root.toPrettyString() + "\n");
    return f;
  }
}
