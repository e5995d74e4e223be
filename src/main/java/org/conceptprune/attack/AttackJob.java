package org.conceptprune.attack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ModelHash;
import org.conceptprune.revival.Locations;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.ToyWorld;
import org.conceptprune.toy.World;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.ProgressListener;
import org.conceptprune.util.UserError;

/**
 * Runs an {@link AttackRequest}: resolves the base and attacked models ("toy" is the shipped toy
 * model; a mask patch must be made for the base model), the prompts, the generation defaults (toy or
 * Stable Diffusion), the judge and the method, then {@link AttackRun}.
 */
public final class AttackJob {
  private final AttackRequest r;
  private final boolean toy;
  private Path toyModel;
  /** With the toy judge: the world of the base model (its toy_world.json; classic without one). */
  private World toyWorld;

  private AttackJob(AttackRequest r) {
    this.r = r;
    this.toy = r.judge().kind() == JudgeKind.TOY;
  }

  /** Runs (or resumes) the attack in {@code r.out()}; progress goes to {@code log}. */
  public static AttackRun.Summary run(AttackRequest r, ProgressListener log) {
    return new AttackJob(r).run(log);
  }

  private AttackRun.Summary run(ProgressListener log) {
    String baseSpec = r.base() != null ? r.base() : toy ? "toy" : null;
    if (baseSpec == null) throw new UserError("--base is needed (the unerased model the target images come from)");
    if (r.model() != null && r.mask() != null) throw new UserError("give the attacked model as MODEL or as --mask on --base, not both");
    if (r.model() == null && r.mask() == null) throw new UserError("the attacked model is missing: give MODEL (a folder, single file or mask patch) or --mask PATCH");
    Path maskFile = r.mask() != null ? r.mask() : isMaskPatch(r.model()) ? Path.of(r.model()) : null;
    Path basePath = resolve(baseSpec);
    Path modelPath = maskFile != null ? null : resolve(r.model());
    OutputPaths paths = OutputPaths.inputs().add("--base", basePath).add("--mask", maskFile).add("MODEL", modelPath).add("--config", r.config());
    if (Files.exists(Path.of(r.prompts()))) paths.add("--prompts", Path.of(r.prompts()));
    paths.check("--out", r.out());
    PromptSet set = PromptSet.open(r.prompts());
    List<PromptRow> rows = set.rows();
    if (r.limit() != null) {
      if (r.limit() < 1) throw new UserError("--limit must be at least 1, got " + r.limit());
      rows = rows.subList(0, Math.min(r.limit(), rows.size()));
    }
    toyWorld = toy ? ToyModel.world(basePath) : null;
    GenerationSettings g = generation();
    AttackMethod m = method();
    Locations where = r.settings().revival() == null ? null : Locations.parse(r.settings().revival().locations());
    if (m instanceof RevivalAttack && where.kind() == Locations.Kind.PATCH) madeFor("--locations", where.patch(), basePath);
    if (r.top() != null && r.judge().kind() != JudgeKind.STYLE) throw new UserError("--top is an option of the style judge (--judge style:DIR)");
    try (Judge j = Judge.open(r.judge(), r.against(), TorchRuntime.threads(), toy ? basePath : null, r.top() == null ? 1 : r.top())) {
      j.requireConcept(r.concept());
      try (StableDiffusion b = StableDiffusion.load(basePath, r.config()); ModelPair pair = pair(b, basePath, modelPath, maskFile)) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("base", baseSpec);
        run.put("attacked", maskFile != null ? "mask " + maskFile.getFileName() : r.model());
        run.put("judge", j.describe());
        run.put("concept", r.concept());
        run.put("prompts", set.name() + " sha256 " + set.sha256());
        run.put("rows", rows.size());
        run.put("generation", g.describe());
        return new AttackRun(m, new AttackMethod.Context(pair, j, r.concept(), g, rows, r.out(), log), run).run();
      }
    }
  }

  /** The toy's sampling (DDIM 20 steps, guidance 4, the toy's size) or Stable Diffusion's (50, 7.5, the model's). */
  private GenerationSettings generation() {
    AttackRequest.Sampling s = r.sampling();
    return toy
        ? new GenerationSettings(or(s.steps(), 20), or(s.guidance(), 4.0), scheduler("ddim"), ToyWorld.SIZE, ToyWorld.SIZE, s.seed())
        : new GenerationSettings(or(s.steps(), 50), or(s.guidance(), 7.5), scheduler(null), 0, 0, s.seed());
  }

  private AttackMethod method() {
    long seed = r.sampling().seed();
    AttackRequest.Tokens t = r.settings().tokens();
    return switch (r.method()) {
      case UNLEARNDIFF -> {
        int[] ts = t.timestepList() != null ? t.timestepList().stream().mapToInt(Integer::intValue).toArray()
            : UnlearnDiffAtk.referenceTimesteps(t.timesteps(), 1000);
        yield new UnlearnDiffAtk(new UnlearnDiffAtk.Options(tokens(t), t.iterations(), ts, or(t.lr(), 0.01), t.weightDecay()));
      }
      case INVERSION -> {
        AttackRequest.Inversion i = r.settings().inversion();
        yield new ConceptInversion(new ConceptInversion.Options(i.initWord(), i.steps(), or(i.lr(), 0.005), i.trainImages(), seed));
      }
      case RANDOM -> new RandomTokens(tokens(t), t.tries(), seed);
      case RING_A_BELL -> {
        AttackRequest.RingABellSearch b = r.settings().ringABell();
        yield new RingABell(new RingABell.Options(b.length(), b.eta(), b.population(), b.generations(), 0.25, 0.5, seed), pairs(b.pairs()));
      }
      case REVIVAL -> {
        AttackRequest.Revival v = r.settings().revival();
        String from = v.signFrom() == null ? null : v.signFrom().equals("base") ? (r.base() != null ? r.base() : "toy") : v.signFrom();
        yield new RevivalAttack(Locations.parse(v.locations()), v.settings(), from == null ? null : resolve(from), from);
      }
    };
  }

  /** unlearndiff's and random's adversarial tokens: the count given, else 3 (5 for nudity). */
  private int tokens(AttackRequest.Tokens t) {
    return t.count() != null ? t.count() : r.concept().equalsIgnoreCase("nudity") ? 5 : 3;
  }

  /** The pairs CSV, or for a toy concept its calibration prompts (with / without the concept). */
  private List<String[]> pairs(String csv) {
    List<String[]> out = new ArrayList<>();
    if (csv == null) {
      if (!toy) throw new UserError("ring-a-bell needs --pairs CSV (columns prompt = with the concept, prompt1 = without)");
      String concept = r.concept();
      boolean style = toyWorld.hasStyle(concept);
      if (!style && !toyWorld.hasObject(concept)) return Collections.singletonList(new String[] {concept, ""}); // the judge refuses it next
      var c = ToyEval.calibration(toyWorld, style, style ? toyWorld.styleIndex(concept) : toyWorld.objectIndex(concept));
      for (int i = 0; i < c.target().size(); i++) out.add(new String[] {c.target().get(i), c.reference().get(i)});
      return out;
    }
    for (PromptRow row : PromptSet.open(csv).rows()) {
      String without = row.field("prompt1");
      if (without == null) throw new UserError(csv + ": no prompt1 column (the prompt without the concept)");
      out.add(new String[] {row.prompt(), without});
    }
    return out;
  }

  private ModelPair pair(StableDiffusion b, Path basePath, Path modelPath, Path maskFile) {
    if (maskFile != null) return ModelPair.masked(b, madeFor("--mask", maskFile, basePath).masks());
    if (modelPath.toAbsolutePath().normalize().equals(basePath.toAbsolutePath().normalize())
        || r.model().equals(r.base() == null ? "toy" : r.base())) {
      return ModelPair.masked(b, (MaskSet) null); // the base model itself
    }
    return ModelPair.of(b, StableDiffusion.load(modelPath, r.config()));
  }

  /** The patch, refused when it records another base model than BASE. */
  private MaskPatch madeFor(String option, Path file, Path basePath) {
    MaskPatch patch = MaskPatch.read(file);
    if (patch.metadata().get(MaskPatch.BASE_MODEL_HASH) != null) {
      try (ModelSource src = ModelSource.open(basePath, r.config())) {
        patch.requireMadeFor(option, file, basePath, ModelHash.of(src.weights(Component.UNET)));
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

  private Path toyFolder() {
    if (toyModel == null) toyModel = ToyModel.extractBundled();
    return toyModel;
  }

  /** MODEL names a mask patch (on the base model) rather than a model. */
  static boolean isMaskPatch(String spec) {
    return spec != null && !spec.equals("toy") && MaskPatch.isPatch(Path.of(spec));
  }

  private SchedulerKind scheduler(String def) {
    String s = r.sampling().scheduler() != null ? r.sampling().scheduler() : def;
    return s == null ? null : SchedulerKind.fromCli(s);
  }

  private static <T> T or(T v, T def) {
    return v != null ? v : def;
  }
}
