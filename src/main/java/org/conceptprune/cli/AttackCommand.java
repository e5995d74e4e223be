package org.conceptprune.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.conceptprune.attack.AttackMethod;
import org.conceptprune.attack.AttackRun;
import org.conceptprune.attack.ConceptInversion;
import org.conceptprune.attack.Judge;
import org.conceptprune.attack.ModelPair;
import org.conceptprune.attack.RandomTokens;
import org.conceptprune.attack.RevivalAttack;
import org.conceptprune.attack.RingABell;
import org.conceptprune.attack.UnlearnDiffAtk;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ModelHash;
import org.conceptprune.revival.Locations;
import org.conceptprune.revival.Magnitude;
import org.conceptprune.revival.RevivalSettings;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.ToyWorld;
import org.conceptprune.toy.World;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code attack [MODEL] --base BASE --method M --prompts CSV --judge J --concept C --out DIR}: does an
 * erased concept come back under an attack? Writes run.json, outcomes/ROW.json, images/ROW-{target,
 * before,after}.png and summary.json (ASR with a Wilson interval); a rerun resumes at the next prompt.
 */
@Command(name = "attack", mixinStandardHelpOptions = true,
    description = "Attack an erased (pruned) model with UnlearnDiffAtk, Concept Inversion or Ring-A-Bell and measure the attack success rate.")
public final class AttackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
      description = "The attacked model: a model folder or single file, a mask patch on --base, 'toy' (the shipped toy model), or omitted with --mask.")
  String model;

  @Option(names = "--base", paramLabel = "BASE", description = "The base (unerased) model: a folder, single file or 'toy' (default: toy with --judge toy).")
  String base;

  @Option(names = "--mask", paramLabel = "PATCH", description = "A mask patch applied to --base gives the attacked model.")
  Path mask;

  @Option(names = "--config", paramLabel = "DIR", description = "Configs for single-file models.")
  Path config;

  @Option(names = "--method", required = true, paramLabel = "M", description = "unlearndiff, inversion, ring-a-bell, random (random tokens: the control of UnlearnDiffAtk's repository) or revival (the data-free un-pruning of the attacked model's weights).")
  String method;

  @Option(names = "--prompts", required = true, paramLabel = "CSV", description = "Prompts (CSV with a prompt column, optional evaluation_seed / guidance; or a shipped set).")
  String prompts;

  @Option(names = "--judge", required = true, paramLabel = "J", description = "toy, classify:WEIGHTS (ImageNet ResNet-50), nudity:ONNX (NudeNet), clip:DIR or style:DIR (UnlearnDiffAtk's WikiArt ViT).")
  String judge;

  @Option(names = "--concept", required = true, paramLabel = "C", description = "The erased concept the judge looks for (a toy style or object, an ImageNet class, nudity, ...).")
  String concept;

  @Option(names = "--against", split = ",", paramLabel = "NAME,...", description = "clip judge: the other classes of its zero-shot choice.")
  List<String> against;

  @Option(names = "--top", paramLabel = "N", description = "style judge: success when the artist is in the top N (default 1; the paper also reports 3).")
  Integer top;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output folder (reused to resume).")
  Path out;

  @Option(names = "--limit", paramLabel = "N", description = "Only the first N prompts.")
  Integer limit;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of rows without their own (seed + row) and of the attacks (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--steps", paramLabel = "N", description = "Sampler steps (default: toy 20, else 50).")
  Integer steps;

  @Option(names = "--guidance", paramLabel = "G", description = "Guidance of rows without their own (default: toy 4, else 7.5).")
  Double guidance;

  @Option(names = "--scheduler", paramLabel = "S", description = "pndm, ddim, euler or dpmpp-2m (default: toy ddim, else the model's).")
  String scheduler;

  @Option(names = "--k", paramLabel = "K", description = "unlearndiff, random: adversarial tokens (default 3; 5 for nudity).")
  Integer k;

  @Option(names = "--iterations", paramLabel = "N", defaultValue = "40", description = "unlearndiff: iterations per timestep (default ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--timesteps", paramLabel = "N", defaultValue = "50", description = "unlearndiff: sweep N timesteps T/N/2, 3T/N/2, ... (default ${DEFAULT-VALUE}: 10, 30, ..., 990).")
  int timesteps;

  @Option(names = "--tries", paramLabel = "N", defaultValue = "50", description = "random: prefixes tried per prompt (default ${DEFAULT-VALUE}, as unlearndiff's judge checks).")
  int tries;

  @Option(names = "--timestep-list", split = ",", paramLabel = "T,...", description = "unlearndiff: sweep these timesteps instead, in this order.")
  List<Integer> timestepList;

  @Option(names = "--lr", paramLabel = "LR", description = "Learning rate (unlearndiff 0.01; inversion 0.005).")
  Double lr;

  @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0.1", description = "unlearndiff: Adam's weight decay (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--init-word", paramLabel = "W", defaultValue = "art", description = "inversion: the one-token word the new token starts from (default ${DEFAULT-VALUE}).")
  String initWord;

  @Option(names = "--inversion-steps", paramLabel = "N", defaultValue = "1000", description = "inversion: optimiser steps (default ${DEFAULT-VALUE}).")
  int inversionSteps;

  @Option(names = "--train-images", paramLabel = "N", defaultValue = "25", description = "inversion: base-model images to learn from (default ${DEFAULT-VALUE}).")
  int trainImages;

  @Option(names = "--pairs", paramLabel = "CSV", description = "ring-a-bell: prompt pairs, columns prompt (with the concept) and prompt1 (without); toy default: the concept's calibration pairs.")
  String pairs;

  @Option(names = "--length", paramLabel = "N", defaultValue = "16", description = "ring-a-bell: searched tokens (default ${DEFAULT-VALUE}).")
  int length;

  @Option(names = "--eta", paramLabel = "E", defaultValue = "3", description = "ring-a-bell: concept vector coefficient (default ${DEFAULT-VALUE}).")
  double eta;

  @Option(names = "--population", paramLabel = "N", defaultValue = "200", description = "ring-a-bell: population (default ${DEFAULT-VALUE}).")
  int population;

  @Option(names = "--generations", paramLabel = "N", defaultValue = "3000", description = "ring-a-bell: generations (default ${DEFAULT-VALUE}).")
  int generations;

  @Option(names = "--locations", paramLabel = "L", defaultValue = "zeros",
      description = "revival: candidate locations: zeros (default), bottom:F / row-bottom:F / row-top:F (the adaptive attacker: the F smallest |W| per layer / per row, the F largest per row), or a mask patch.")
  String locations;

  @Option(names = "--top-ratio", paramLabel = "R", defaultValue = "0.6", description = "revival: fraction of completed signs kept (default ${DEFAULT-VALUE}).")
  double topRatio;

  @Option(names = "--magnitude", paramLabel = "M", defaultValue = "max", description = "revival: max, ave or sample (default ${DEFAULT-VALUE}).")
  String magnitude;

  @Option(names = "--revival-seed", paramLabel = "N", defaultValue = "2021", description = "revival: seed of the magnitude noise (default ${DEFAULT-VALUE}).")
  long revivalSeed;

  @Option(names = "--completion-iterations", paramLabel = "N", defaultValue = "500", description = "revival: most completion iterations per layer (default ${DEFAULT-VALUE}).")
  int completionIterations;

  @Option(names = "--tolerance", paramLabel = "T", defaultValue = "1e-5", description = "revival: completion tolerance (default ${DEFAULT-VALUE}).")
  double tolerance;

  @Option(names = "--sign-from", paramLabel = "ORIGINAL", description = "revival: the upper bound, signs of the unpruned model ORIGINAL ('base': --base) at every location.")
  String signFrom;

  @Override
  public Integer call() {
    boolean toy = judge.equals("toy");
    String baseSpec = base != null ? base : toy ? "toy" : null;
    if (baseSpec == null) throw new UserError("--base is needed (the unerased model the target images come from)");
    if (model != null && mask != null) throw new UserError("give the attacked model as MODEL or as --mask on --base, not both");
    if (model == null && mask == null) throw new UserError("the attacked model is missing: give MODEL (a folder, single file or mask patch) or --mask PATCH");
    Path maskFile = mask != null ? mask : isMaskPatch(model) ? Path.of(model) : null;
    Path basePath = resolve(baseSpec);
    Path modelPath = maskFile != null ? null : resolve(model);
    OutputPaths paths = OutputPaths.inputs().add("--base", basePath).add("--mask", maskFile).add("MODEL", modelPath).add("--config", config);
    if (Files.exists(Path.of(prompts))) paths.add("--prompts", Path.of(prompts));
    paths.check("--out", out);
    PromptSet set = PromptSet.open(prompts);
    List<PromptRow> rows = set.rows();
    if (limit != null) {
      if (limit < 1) throw new UserError("--limit must be at least 1, got " + limit);
      rows = rows.subList(0, Math.min(limit, rows.size()));
    }
    toyWorld = toy ? ToyModel.world(basePath) : null;
    GenerationSettings g = toy
        ? new GenerationSettings(or(steps, 20), or(guidance, 4.0), sched("ddim"), ToyWorld.SIZE, ToyWorld.SIZE, seed)
        : new GenerationSettings(or(steps, 50), or(guidance, 7.5), sched(null), 0, 0, seed);
    AttackMethod m = method(toy);
    Locations where = Locations.parse(locations);
    if (m instanceof RevivalAttack && where.kind() == Locations.Kind.PATCH) madeFor("--locations", where.patch(), basePath);
    PrintWriter log = spec.commandLine().getErr();
    if (top != null && !judge.startsWith("style:")) throw new UserError("--top is an option of the style judge (--judge style:DIR)");
    try (Judge j = Judge.open(judge, against, TorchRuntime.threads(), toy ? basePath : null, top == null ? 1 : top)) {
      j.requireConcept(concept);
      try (StableDiffusion b = StableDiffusion.load(basePath, config); ModelPair pair = pair(b, basePath, modelPath, maskFile)) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("base", baseSpec);
        run.put("attacked", maskFile != null ? "mask " + maskFile.getFileName() : model);
        run.put("judge", j.describe());
        run.put("concept", concept);
        run.put("prompts", set.name() + " sha256 " + set.sha256());
        run.put("rows", rows.size());
        run.put("generation", g.describe());
        AttackRun.Summary s = new AttackRun(m, new AttackMethod.Context(pair, j, concept, g, rows, out, log), run).run();
        spec.commandLine().getOut().println(s.line() + "; outcomes in " + out.resolve("outcomes") + ", summary " + out.resolve("summary.json"));
      }
    }
    return 0;
  }

  private AttackMethod method(boolean toy) {
    switch (method) {
      case "unlearndiff" -> {
        int kk = k != null ? k : concept.equalsIgnoreCase("nudity") ? 5 : 3;
        int[] ts = timestepList != null ? timestepList.stream().mapToInt(Integer::intValue).toArray()
            : UnlearnDiffAtk.referenceTimesteps(timesteps, 1000);
        return new UnlearnDiffAtk(new UnlearnDiffAtk.Options(kk, iterations, ts, or(lr, 0.01), weightDecay));
      }
      case "inversion" -> {
        return new ConceptInversion(new ConceptInversion.Options(initWord, inversionSteps, or(lr, 0.005), trainImages, seed));
      }
      case "random" -> {
        return new RandomTokens(k != null ? k : concept.equalsIgnoreCase("nudity") ? 5 : 3, tries, seed);
      }
      case "ring-a-bell" -> {
        return new RingABell(new RingABell.Options(length, eta, population, generations, 0.25, 0.5, seed), pairs(toy));
      }
      case "revival" -> {
        var settings = new RevivalSettings(topRatio, Magnitude.parse(magnitude), revivalSeed, completionIterations, tolerance);
        String from = signFrom == null ? null : signFrom.equals("base") ? (base != null ? base : "toy") : signFrom;
        return new RevivalAttack(Locations.parse(locations), settings, from == null ? null : resolve(from), from);
      }
      default -> throw new UserError("unknown attack method '" + method + "' (unlearndiff, inversion, ring-a-bell, random or revival)");
    }
  }

  /** --pairs, or for a toy concept its calibration prompts (with / without the concept). */
  private List<String[]> pairs(boolean toy) {
    List<String[]> out = new ArrayList<>();
    if (pairs == null) {
      if (!toy) throw new UserError("ring-a-bell needs --pairs CSV (columns prompt = with the concept, prompt1 = without)");
      boolean style = toyWorld.hasStyle(concept);
      if (!style && !toyWorld.hasObject(concept)) return java.util.Collections.singletonList(new String[] {concept, ""}); // the judge refuses it next
      var c = ToyEval.calibration(toyWorld, style, style ? toyWorld.styleIndex(concept) : toyWorld.objectIndex(concept));
      for (int i = 0; i < c.target().size(); i++) out.add(new String[] {c.target().get(i), c.reference().get(i)});
      return out;
    }
    for (PromptRow r : PromptSet.open(pairs).rows()) {
      String without = r.field("prompt1");
      if (without == null) throw new UserError(pairs + ": no prompt1 column (the prompt without the concept)");
      out.add(new String[] {r.prompt(), without});
    }
    return out;
  }

  private ModelPair pair(StableDiffusion b, Path basePath, Path modelPath, Path maskFile) {
    if (maskFile != null) return ModelPair.masked(b, madeFor("--mask", maskFile, basePath).masks());
    if (modelPath.toAbsolutePath().normalize().equals(basePath.toAbsolutePath().normalize()) || model.equals(base == null ? "toy" : base)) {
      return ModelPair.masked(b, (MaskSet) null); // the base model itself
    }
    return ModelPair.of(b, StableDiffusion.load(modelPath, config));
  }

  /** The patch, refused when it records another base model than BASE. */
  private MaskPatch madeFor(String option, Path file, Path basePath) {
    MaskPatch patch = MaskPatch.read(file);
    if (patch.metadata().get(MaskPatch.BASE_MODEL_HASH) != null) {
      try (ModelSource src = ModelSource.open(basePath, config)) {
        patch.requireMadeFor(option, file, basePath, ModelHash.of(src.weights("unet")));
      }
    }
    return patch;
  }

  private Path resolve(String spec) {
    if (spec.equals("toy")) return toyFolder();
    Path p = Path.of(spec);
    if (!Files.exists(p)) throw new UserError(spec + ": no such model (a diffusers folder, a single file, or 'toy')");
    return p;
  }

  private Path toyModel;
  /** With --judge toy: the world of the base model (its toy_world.json; classic without one). */
  private World toyWorld;

  private Path toyFolder() {
    if (toyModel == null) toyModel = ToyModel.extractBundled();
    return toyModel;
  }

  static boolean isMaskPatch(String spec) {
    if (spec == null || spec.equals("toy")) return false;
    Path p = Path.of(spec);
    if (!Files.isRegularFile(p) || !p.getFileName().toString().endsWith(".safetensors")) return false;
    try (var f = org.conceptprune.io.safetensors.SafetensorsFile.open(p)) {
      return MaskPatch.FORMAT.equals(f.metadata().get(MaskPatch.FORMAT_KEY));
    }
  }

  private SchedulerKind sched(String def) {
    String s = scheduler != null ? scheduler : def;
    return s == null ? null : SchedulerKind.fromCli(s);
  }

  private static <T> T or(T v, T def) {
    return v != null ? v : def;
  }
}
