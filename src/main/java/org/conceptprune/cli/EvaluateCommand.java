package org.conceptprune.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.conceptprune.experiment.EvalOptions;
import org.conceptprune.experiment.EvaluateRequest;
import org.conceptprune.experiment.Evaluation;
import org.conceptprune.experiment.ExperimentKind;
import org.conceptprune.experiment.ModelSpecs;
import org.conceptprune.experiment.Recipe;
import org.conceptprune.experiment.Selection;
import org.conceptprune.experiment.ToyAblation;
import org.conceptprune.experiment.ToySettings;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.ProgressListener;
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

  @Option(names = "--experiment", paramLabel = "NAME|RECIPE.json", required = true, converter = Converters.Experiment.class,
      description = "toy, object, nudity, art-style, gender, coco, or a recipe file (JSON: {\"experiment\": \"toy\", \"target\": [\"zorbly\"], \"k\": 0.05, ...}; keys are the long option names).")
  ExperimentKind.Choice experiment;

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

  @Option(names = "--k", paramLabel = "K", description = "toy: k of the experiment's own ConceptPrune masks (default " + ToyDefaults.K + ").")
  Double k;

  @Option(names = "--timesteps", paramLabel = "T", description = "toy: t̂ (default " + ToyDefaults.T_HAT + ").")
  Integer timesteps;

  @Option(names = "--images-per-concept", paramLabel = "N", description = "toy: images per prompt variant asking for an erased concept (default " + ToyDefaults.IMAGES_PER_CONCEPT + ").")
  Integer perConcept;

  @Option(names = "--fia", description = "toy: also erase every concept with FIA (r1 0.05, r2 chosen to prune as many weights as ConceptPrune), from the same statistics pass.")
  boolean fia;

  @Option(names = "--group", paramLabel = "NAME=C1+C2+...", description = "toy: concepts erased together (repeatable; each among --target): ConceptPrune's union, FIA's fusion (r2 0.05, and r2 at the union's size), random pruning.")
  Map<String, String> group = new LinkedHashMap<>();

  @Option(names = "--others-every", paramLabel = "N", description = "toy: erased models draw every N-th (object, style) pair for the others' accuracy (default 1: all 96).")
  Integer othersEvery;

  @Option(names = "--others-sample", paramLabel = "N", description = "toy: instead of all 96 pairs, every model draws a fixed sample of N pairs (one batch) for the others' accuracy.")
  Integer othersSample;

  @Option(names = "--objects-per-style", paramLabel = "N", description = "toy: the pairs are N objects of each style (style s: objects s, s+1, ...) for every model (default: all).")
  Integer objectsPerStyle;

  @Option(names = "--ablation", paramLabel = "NAME", converter = Converters.Ablation.class, description = "toy: an ablation model (repeatable): ff.net.2 (every ff.net.2 weight zeroed; the default), attn2.to_out, random-linear (as many random transformer-Linear weights).")
  List<ToyAblation> ablations;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "1", description = "Copies of the model generating in parallel, each on its own thread (default ${DEFAULT-VALUE}; with --threads 1 the images are the same bytes for any N).")
  int workers;

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
  public Integer call() {
    Recipe recipe = experiment.readRecipe();
    OutputPaths paths = OutputPaths.inputs().add("--config", config).addAll("--merge", merge).add("--clip", clip)
        .add("--classifier", classifier).add("--nudenet", nudenet).add("--q16-prompts", q16Prompts).add("--fid-model", fidModel).add("--fid-reference", fidReference);
    if (prompts != null && Files.exists(Path.of(prompts))) paths.add("--prompts", Path.of(prompts));
    if (recipe.file() != null) paths.add("--experiment", recipe.file());
    List<Evaluation.ModelSpec> specs = ModelSpecs.parse(models, masks, paths);
    paths.check("--out", out);
    EvalOptions given = new EvalOptions(targets, prompts, clip, classifier, nudenet, threshold, fidModel, fidReference, steps,
        guidance, scheduler, width, height, seed, nudenetVersion.settings(recipe.node()), q16Prompts);
    ToySettings toy = new ToySettings(targets, k, timesteps, perConcept, seed, sweepK, sweepT, fia, group, othersEvery, othersSample,
        ablations, objectsPerStyle);
    Evaluation.Outcome o = new EvaluateRequest(experiment.kind(), recipe, recipe.fill(given), toy, template, imagesPerPrompt,
        specs, config, out, merge, Selection.of(rows, shard, limit), scoreOnly, workers)
        .run(ProgressListener.printing(spec.commandLine().getErr()));
    var w = spec.commandLine().getOut();
    w.print(o.table());
    w.printf(Locale.ROOT, "%d images generated, %d scored; results: %s, report: %s%n", o.generated(), o.scored(),
        out.resolve("results.json"), out.resolve("index.html"));
    return 0;
  }
}
