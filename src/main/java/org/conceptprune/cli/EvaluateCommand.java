package org.conceptprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.conceptprune.experiment.ArtStyleExperiment;
import org.conceptprune.experiment.CocoExperiment;
import org.conceptprune.experiment.EvalOptions;
import org.conceptprune.experiment.Evaluation;
import org.conceptprune.experiment.Experiment;
import org.conceptprune.experiment.GenderExperiment;
import org.conceptprune.experiment.NudityExperiment;
import org.conceptprune.experiment.ObjectExperiment;
import org.conceptprune.experiment.Selection;
import org.conceptprune.experiment.ToyExperiment;
import org.conceptprune.toy.clip.ToyClip;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code evaluate --experiment E --model [LABEL=]PATH [--mask [LABEL=]PATCH]... --out DIR}: generate,
 * score and compare models on an experiment's prompt set; resumable, shardable, mergeable.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Generate, score and compare base and pruned models on an experiment (toy, object, nudity, art-style, gender, coco), with resume, shards and an HTML report.")
public final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--experiment", paramLabel = "NAME|RECIPE.json", required = true,
      description = "toy, object, nudity, art-style, gender, coco, or a recipe file (JSON: {\"experiment\": \"toy\", \"target\": [\"zorbly\"], \"k\": 0.05, ...}; keys are the long option names).")
  String experiment;

  @Option(names = "--model", paramLabel = "[LABEL=]PATH", description = "A model (repeatable); the first is the base (label 'base'). toy: default the shipped toy model.")
  List<String> models = new ArrayList<>();

  @Option(names = "--mask", paramLabel = "[LABEL=]PATCH", description = "A mask patch applied to the first model (repeatable; label default: the file name).")
  List<String> masks = new ArrayList<>();

  @Option(names = "--config", paramLabel = "DIR", description = "Configs for single-file models (as in the other commands).")
  Path config;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true, description = "Evaluation folder: images/, manifest.jsonl, scores.jsonl, results.json/csv, index.html.")
  Path out;

  @Option(names = "--limit", paramLabel = "N", description = "Only the first N rows (after --rows).")
  Integer limit;

  @Option(names = "--rows", paramLabel = "A:B", description = "Only rows A..B-1 (0-based).")
  String rows;

  @Option(names = "--shard", paramLabel = "I/N", description = "Only shard I of N (0-based): rows whose position is I mod N; join the parts with --merge.")
  String shard;

  @Option(names = "--score-only", description = "Do not generate: score the images already in --out and report.")
  boolean scoreOnly;

  @Option(names = "--merge", paramLabel = "DIR", arity = "1..*", description = "Join shard folders into --out (checks that none is missing or doubled).")
  List<Path> merge;

  @Option(names = "--target", paramLabel = "CONCEPT",
      description = "toy: the style or object to erase (repeatable; default zorbly and heart). object: the erased class as the CSV spells it (repeatable, e.g. tench). art-style: the erased artist, as in the CSV's artist column.")
  List<String> targets;

  @Option(names = "--k", paramLabel = "K", description = "toy: k of the experiment's own ConceptPrune masks (default 0.05).")
  Double k;

  @Option(names = "--timesteps", paramLabel = "T", description = "toy: t̂ (default 10).")
  Integer timesteps;

  @Option(names = "--images-per-concept", paramLabel = "N", description = "toy: images per prompt variant asking for an erased concept (default 2).")
  Integer perConcept;

  @Option(names = "--fia", description = "toy: also erase every concept with FIA (r1 0.05, r2 chosen to prune as many weights as ConceptPrune), from the same statistics pass.")
  boolean fia;

  @Option(names = "--group", paramLabel = "NAME=C1+C2+...", description = "toy: concepts erased together (repeatable; each among --target): ConceptPrune's union, FIA's fusion (r2 0.05, and r2 at the union's size), random pruning.")
  Map<String, String> group = new LinkedHashMap<>();

  @Option(names = "--others-every", paramLabel = "N", description = "toy: erased models draw every N-th (object, style) pair for the others' accuracy (default 1: all 96).")
  Integer othersEvery;

  @Option(names = "--sweep-k", paramLabel = "K,...", split = ",", description = "toy: k values of the sweep of the first concept (e.g. 0.01,0.02,0.05,0.1).")
  List<Double> sweepK;

  @Option(names = "--sweep-timesteps", paramLabel = "T,...", split = ",", description = "toy: t̂ values of the sweep (e.g. 5,10).")
  List<Integer> sweepT;

  @Option(names = "--template", paramLabel = "TEXT", description = "gender: the prompt, {} = the profession (default 'a photo of a {}'; the authors: 'a headshot of a {}').")
  String template;

  @Option(names = "--images-per-prompt", paramLabel = "N", description = "gender: images per profession, seeds seed..seed+N-1 (default 250).")
  Integer imagesPerPrompt;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of rows without their own (default 0).")
  Long seed;

  @Option(names = "--prompts", paramLabel = "CSV|TXT|NAME", description = "The prompt set (a file, or a shipped set: " + "big_artist_prompts.csv, imagenette.csv, i2p_dev.csv, coco_3k.csv, ...; default: the experiment's).")
  String prompts;

  @Option(names = "--clip", paramLabel = "DIR", description = "A transformers CLIPModel folder (art-style, gender, coco).")
  Path clip;

  @Option(names = "--classifier", paramLabel = "W", description = "torchvision resnet50 weights, .safetensors or .pth (object).")
  Path classifier;

  @Option(names = "--nudenet", paramLabel = "ONNX", description = "NudeNet's 320n.onnx (nudity).")
  Path nudenet;

  @Mixin NudeNetVersionOptions nudenetVersion;

  @Option(names = "--q16-prompts", paramLabel = "FILE", description = "Q16's prompts.p (nudity): also I2P's inappropriate rate = Q16 (on --clip, ViT-L/14) or NudeNet.")
  Path q16Prompts;

  @Option(names = "--threshold", paramLabel = "S", description = "NudeNet score threshold (default 0.6).")
  Double threshold;

  @Option(names = "--fid-model", paramLabel = "W", description = "pytorch-fid Inception weights, .safetensors or .pth (coco).")
  Path fidModel;

  @Option(names = "--fid-reference", paramLabel = "DIR|F", description = "Reference images (a folder) or cached features (coco).")
  Path fidReference;

  @Option(names = "--steps", paramLabel = "N", description = "Sampler steps (default: the experiment's; SD: 50).")
  Integer steps;

  @Option(names = "--guidance", paramLabel = "G", description = "Guidance of rows without their own (default: the experiment's; SD: 7.5).")
  Double guidance;

  @Option(names = "--scheduler", paramLabel = "S", description = "pndm, ddim, euler or dpmpp-2m (default: the experiment's; SD: the model's).")
  String scheduler;

  @Option(names = "--width", paramLabel = "PX", description = "Image width (default: the model's).")
  Integer width;

  @Option(names = "--height", paramLabel = "PX", description = "Image height (default: the model's).")
  Integer height;

  @Override
  public Integer call() throws IOException {
    JsonNode recipe = recipe();
    String name = recipe != null ? recipe.path("experiment").asText("") : experiment;
    OutputPaths paths = OutputPaths.inputs().add("--config", config).addAll("--merge", merge).add("--clip", clip)
        .add("--classifier", classifier).add("--nudenet", nudenet).add("--q16-prompts", q16Prompts).add("--fid-model", fidModel).add("--fid-reference", fidReference);
    if (prompts != null && Files.exists(Path.of(prompts))) paths.add("--prompts", Path.of(prompts));
    if (recipe != null) paths.add("--experiment", Path.of(experiment));
    List<Evaluation.ModelSpec> specs = specs(paths);
    paths.check("--out", out);
    try (Experiment e = create(name, recipe, specs)) {
      Evaluation ev = new Evaluation(e, out, spec.commandLine().getErr());
      Evaluation.Outcome o;
      if (merge != null) {
        o = ev.merge(merge);
      } else {
        if (specs.isEmpty()) {
          if (!name.equals("toy")) throw new UserError("--model is needed for the " + name + " experiment");
          specs = List.of(new Evaluation.ModelSpec("base", ToyModel.extractBundled(), null));
        }
        o = ev.run(specs, config, selection(), scoreOnly);
      }
      var w = spec.commandLine().getOut();
      w.print(o.table());
      w.printf(Locale.ROOT, "%d images generated, %d scored; results: %s, report: %s%n", o.generated(), o.scored(),
          out.resolve("results.json"), out.resolve("index.html"));
    }
    return 0;
  }

  private JsonNode recipe() throws IOException {
    if (!experiment.toLowerCase(Locale.ROOT).endsWith(".json")) return null;
    Path f = Path.of(experiment);
    if (!Files.isRegularFile(f)) throw new UserError(experiment + ": no such recipe file");
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(f.toFile());
    } catch (IOException ex) {
      throw new UserError(f + ": not a JSON recipe (" + ex.getMessage() + ")");
    }
    if (!n.has("experiment")) throw new UserError(f + ": the recipe names no \"experiment\"");
    return n;
  }

  private List<Evaluation.ModelSpec> specs(OutputPaths paths) {
    List<Evaluation.ModelSpec> specs = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      String[] lp = labelled(models.get(i), i == 0 ? "base" : "model" + i);
      paths.add("--model", Path.of(lp[1]));
      specs.add(new Evaluation.ModelSpec(lp[0], Path.of(lp[1]), null));
    }
    for (String m : masks) {
      Path p = Path.of(labelled(m, "")[1]);
      String def = p.getFileName().toString().replaceAll("\\.mask\\.safetensors$|\\.safetensors$", "");
      String[] lp = labelled(m, def);
      paths.add("--mask", p);
      if (specs.isEmpty()) specs.add(null); // the toy default base is filled in below
      specs.add(new Evaluation.ModelSpec(lp[0], p, p));
    }
    if (!specs.isEmpty() && specs.get(0) == null) {
      specs.set(0, new Evaluation.ModelSpec("base", ToyModel.extractBundled(), null));
    }
    // a mask spec carries the base model's path
    List<Evaluation.ModelSpec> out = new ArrayList<>();
    for (Evaluation.ModelSpec s : specs) out.add(s.mask() != null ? new Evaluation.ModelSpec(s.label(), specs.get(0).model(), s.mask()) : s);
    return out;
  }

  /** "LABEL=PATH" -> {LABEL, PATH}; "PATH" -> {default, PATH}. */
  static String[] labelled(String s, String def) {
    int eq = s.indexOf('=');
    if (eq > 0 && s.substring(0, eq).matches("[A-Za-z0-9._+-]+")) return new String[] {s.substring(0, eq), s.substring(eq + 1)};
    return new String[] {def, s};
  }

  private Selection selection() {
    int[] r = rows == null ? new int[] {0, Integer.MAX_VALUE} : Selection.parseRows(rows);
    int[] sh = shard == null ? new int[] {0, 1} : Selection.parseShard(shard);
    return new Selection(r[0], r[1], limit == null ? Integer.MAX_VALUE : limit, sh[0], sh[1]);
  }

  /** The command line's settings, a recipe file's keys filling what the command line left unset. */
  private EvalOptions options(JsonNode r) {
    return new EvalOptions(targets != null ? targets : strings(r, "target", null), prompts != null ? prompts : str(r, "prompts"),
        clip != null ? clip : path(r, "clip"), classifier != null ? classifier : path(r, "classifier"),
        nudenet != null ? nudenet : path(r, "nudenet"), threshold != null ? threshold : (r != null && r.has("threshold") ? r.get("threshold").asDouble() : null),
        fidModel != null ? fidModel : path(r, "fid-model"), fidReference != null ? fidReference : path(r, "fid-reference"),
        steps != null ? steps : (r != null && r.has("steps") ? r.get("steps").asInt() : null),
        guidance != null ? guidance : (r != null && r.has("guidance") ? r.get("guidance").asDouble() : null),
        scheduler != null ? scheduler : str(r, "scheduler"),
        width != null ? width : (r != null && r.has("width") ? r.get("width").asInt() : null),
        height != null ? height : (r != null && r.has("height") ? r.get("height").asInt() : null),
        seed != null ? seed : (r != null && r.has("seed") ? r.get("seed").asLong() : null), nudenetVersion.settings(r),
        q16Prompts != null ? q16Prompts : path(r, "q16-prompts"));
  }

  private static String str(JsonNode r, String key) {
    return r != null && r.has(key) ? r.get(key).asText() : null;
  }

  private static Path path(JsonNode r, String key) {
    return r != null && r.has(key) ? Path.of(r.get(key).asText()) : null;
  }

  /** --group NAME=C1+C2 (or the recipe's "group": {"NAME": "C1+C2"}) as name -> concepts. */
  private Map<String, List<String>> groups(JsonNode recipe) {
    Map<String, String> g = new LinkedHashMap<>(group);
    if (g.isEmpty() && recipe != null && recipe.has("group")) recipe.get("group").fields().forEachRemaining(e -> g.put(e.getKey(), e.getValue().asText()));
    Map<String, List<String>> out = new LinkedHashMap<>();
    g.forEach((k, v) -> out.put(k, List.of(v.split("\\+"))));
    return out;
  }

  /** @param specs the models given (the first is the base; none: the shipped toy model) */
  private Experiment create(String name, JsonNode recipe, List<Evaluation.ModelSpec> specs) {
    EvalOptions opts = options(recipe);
    switch (name) {
      case "toy" -> {
        List<String> t = targets != null ? targets : strings(recipe, "target", List.of("zorbly", "heart"));
        return new ToyExperiment(new ToyExperiment.Options(t, k != null ? k : dbl(recipe, "k", 0.05),
            timesteps != null ? timesteps : (int) dbl(recipe, "timesteps", 10),
            perConcept != null ? perConcept : (int) dbl(recipe, "images-per-concept", 2),
            seed != null ? seed : (long) dbl(recipe, "seed", 0),
            sweepK != null ? sweepK : doubles(recipe, "sweep-k"),
            sweepT != null ? sweepT : doubles(recipe, "sweep-timesteps").stream().map(Double::intValue).toList(), true,
            specs.isEmpty() ? null : specs.get(0).model(), // its toy_world.json and judge/, if any
            opts.clip() != null ? opts.clip() : ToyClip.forModel(specs.isEmpty() ? null : specs.get(0).model()),
            fia || recipe != null && recipe.path("fia").asBoolean(false), groups(recipe),
            othersEvery != null ? othersEvery : (int) dbl(recipe, "others-every", 1)));
      }
      case "art-style" -> {
        return new ArtStyleExperiment(opts);
      }
      case "coco" -> {
        return new CocoExperiment(opts, out);
      }
      case "gender" -> {
        return new GenderExperiment(opts, template != null ? template : str(recipe, "template"),
            imagesPerPrompt != null ? imagesPerPrompt : (recipe != null && recipe.has("images-per-prompt") ? recipe.get("images-per-prompt").asInt() : null));
      }
      case "object" -> {
        return new ObjectExperiment(opts);
      }
      case "nudity" -> {
        return new NudityExperiment(opts);
      }
      default -> throw new UserError("unknown experiment '" + name + "' (toy, object, nudity, art-style, gender, coco)");
    }
  }

  private static double dbl(JsonNode r, String key, double def) {
    return r != null && r.has(key) ? r.get(key).asDouble() : def;
  }

  private static List<String> strings(JsonNode r, String key, List<String> def) {
    if (r == null || !r.has(key)) return def;
    List<String> out = new ArrayList<>();
    if (r.get(key).isArray()) r.get(key).forEach(x -> out.add(x.asText()));
    else out.add(r.get(key).asText());
    return out;
  }

  private static List<Double> doubles(JsonNode r, String key) {
    List<Double> out = new ArrayList<>();
    if (r != null && r.has(key)) r.get(key).forEach(x -> out.add(x.asDouble()));
    return out;
  }
}
