package org.conceptprune.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.ConceptSpec;
import org.conceptprune.prune.FiaMethod;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ModelWeights;
import org.conceptprune.prune.PruneStats;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.ToyWorld;
import org.conceptprune.toy.World;
import org.conceptprune.util.Parallel;
import org.conceptprune.util.Progress;
import org.conceptprune.util.ProgressListener;
import org.conceptprune.util.UserError;

/**
 * The toy world's erasure experiment, judged by the toy judge, with the seeds of {@code toy eval}:
 * for every concept (a style or an object name), the prompts asking for it (seed + 31, chunks of 64)
 * and one image per (object, style) pair (seed, chunks of 64). Models: the base model; per concept its
 * ConceptPrune mask (statistics as {@code toy eval}: DDIM, seed + 100, a seed per pair), a random
 * mask with the same per-layer counts (seed + 11), and for the first concept the k x t̂ sweep; the
 * ablations ({@link ToyAblation}; by default all-{@code ff.net.2}, the ceiling). {@code toy eval} and
 * {@code demo} are views of this experiment.
 */
public final class ToyExperiment implements Experiment {
  static final String PAIRS = "pairs";
  static final String ASKING = "asking:";

  /**
   * @param concepts style or object names of the toy world
   * @param perConcept images per prompt variant asking for an erased concept
   * @param sweepK, sweepT the grid of the first concept (empty: no sweep)
   * @param model the base toy model folder, whose world ({@link ToyModel#world}) and judge
   *     ({@link ToyModel#judge}) the experiment uses; null: the shipped model's (classic, the bundled judge)
   * @param fia also erase every concept with FIA (r1 0.05, r2 matched to ConceptPrune's count), from the
   *     same statistics pass
   * @param groups name -> concepts erased together (each among {@code concepts}): ConceptPrune's union,
   *     FIA's fusion at r2 0.05 and at ConceptPrune's count, and random pruning of as many weights
   * @param othersEvery the erased models draw every n-th (object, style) pair for "the others kept"
   *     (1: all 96; the base model always draws all)
   * @param othersSample 0, or instead of all 96 pairs a fixed sample of this many (object i mod objects,
   *     style i x styles / n), drawn as one batch, which every model draws for "the others kept"; each
   *     concept's asking images are then drawn as their own batch from a seed of their own
   * @param askingLimit 0, or at most this many prompt variants asking for a concept, spread over the
   *     world (an object asked in 8 of 16 styles: every other one)
   * @param controls whether each concept gets its ConceptPrune mask at (k, t̂) and the random control
   *     (false: only the sweep's models)
   * @param ablations the ablation models, each drawing the (object, style) pairs
   * @param objectsPerStyle 0, or the pairs are only N objects of each style (style s: objects s, s+1, ...
   *     mod the objects) for every model: a crowded world's 720 pairs cost an image each per model
   */
  public record Options(List<String> concepts, double k, int tHat, int perConcept, long seed, List<Double> sweepK,
      List<Integer> sweepT, List<ToyAblation> ablations, Path model, Path clip, boolean fia, Map<String, List<String>> groups,
      int othersEvery, int othersSample, int askingLimit, boolean controls, int objectsPerStyle) {
    public Options {
      if (concepts.isEmpty()) throw new UserError("the toy experiment needs at least one concept (--target)");
      World w = worldOf(model);
      for (String c : concepts) kindOf(w, c);
      ConceptSpec.checkK("--k", k);
      for (double x : sweepK) ConceptSpec.checkK("--sweep-k", x);
      if (tHat < 1) throw new UserError("--timesteps must be at least 1, got " + tHat);
      for (int t : sweepT) if (t < 1) throw new UserError("--sweep-timesteps must be at least 1, got " + t);
      if (perConcept < 1) throw new UserError("images per concept must be >= 1");
      if (othersEvery < 1) throw new UserError("--others-every must be >= 1, got " + othersEvery);
      if (othersSample < 0 || othersSample > Math.min(64, w.numObjects() * w.numStyles())) {
        throw new UserError("--others-sample must be in 0.." + Math.min(64, w.numObjects() * w.numStyles()) + ", got " + othersSample);
      }
      if (othersSample > 0 && othersEvery != 1) throw new UserError("give --others-sample or --others-every, not both");
      if (askingLimit < 0) throw new UserError("--asking-limit must be >= 0, got " + askingLimit);
      if (objectsPerStyle < 0 || objectsPerStyle > w.numObjects()) {
        throw new UserError("--objects-per-style must be in 0.." + w.numObjects() + ", got " + objectsPerStyle);
      }
      if (objectsPerStyle > 0 && othersSample > 0) throw new UserError("give --others-sample or --objects-per-style, not both");
      ablations = List.copyOf(ablations);
      groups.forEach((g, members) -> {
        if (concepts.contains(g)) throw new UserError("group name '" + g + "' is also a concept");
        for (String m : members) {
          if (!concepts.contains(m)) throw new UserError("group '" + g + "': '" + m + "' is not one of the --target concepts " + concepts);
        }
      });
    }
  }

  static World worldOf(Path model) {
    return model == null ? World.classic() : ToyModel.world(model);
  }

  /** One evaluation of the experiment: its rows, its prompt rows, and the masks and sweep points of its derived models. */
  public record Run(Evaluation.Outcome outcome, List<PromptRow> prompts, Map<String, MaskSet> masks, Map<String, double[]> sweep) {}

  /**
   * Evaluates the experiment on {@code base} (the folder of {@code o.model()}, or the shipped model
   * extracted once by the caller) into {@code out}; a folder of an earlier run of the same settings resumes.
   */
  public static Run run(Options o, Path base, Path out, int workers, ProgressListener log) {
    try (ToyExperiment e = new ToyExperiment(o, log)) {
      Evaluation.Outcome r = new Evaluation(e, out, log, workers).run(List.of(new Evaluation.ModelSpec("base", base, null)), null,
          Selection.ALL, false);
      return new Run(r, e.prompts().rows(), new LinkedHashMap<>(e.masks()), new LinkedHashMap<>(e.sweep()));
    }
  }

  private final Options o;
  private final World world;
  private final PromptSet prompts;
  private final Map<String, double[]> sweep = new LinkedHashMap<>();
  private final ToyScoring scoring;
  private final org.conceptprune.eval.clip.ClipScorer clip;

  private final Map<String, MaskSet> masks = new LinkedHashMap<>();
  private final org.conceptprune.util.ProgressListener log;

  /** @param log where the statistics pass shows its progress */
  public ToyExperiment(Options o, org.conceptprune.util.ProgressListener log) {
    this.o = o;
    this.log = log;
    this.world = worldOf(o.model());
    this.prompts = ToyRows.of(o, world);
    this.clip = o.clip() == null ? null : EvalOptions.clipScorer(o.clip(), name());
    this.scoring = new ToyScoring(world, o.model(), clip);
  }

  /** true for a style, false for an object. */
  static boolean kindOf(World w, String concept) {
    return w.isStyleConcept(concept);
  }

  static int indexOf(World w, String concept) {
    return kindOf(w, concept) ? w.styleIndex(concept) : w.objectIndex(concept);
  }

  private boolean kindOf(String concept) {
    return kindOf(world, concept);
  }

  private int indexOf(String concept) {
    return indexOf(world, concept);
  }

  @Override
  public String name() {
    return "toy";
  }

  @Override
  public PromptSet prompts() {
    return prompts;
  }

  @Override
  public GenerationSettings generation() {
    ToyEval.Sampling s = ToyEval.Sampling.defaults();
    return new GenerationSettings(s.steps(), s.guidance(), SchedulerKind.DDIM, ToyWorld.SIZE, ToyWorld.SIZE, o.seed());
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("concepts", String.join(", ", o.concepts()));
    if (!world.isClassic()) m.put("world", world.name()); // absent for classic: folders of earlier runs resume
    m.put("k", Double.toString(o.k()));
    m.put("t_hat", Integer.toString(o.tHat()));
    m.put("images_per_concept_variant", Integer.toString(o.perConcept()));
    m.put("seed", Long.toString(o.seed()));
    m.put("sweep_k", o.sweepK().toString());
    m.put("sweep_t_hat", o.sweepT().toString());
    if (o.fia()) m.put("fia", "r1 " + ToyMethods.R1 + ", r2 matched to ConceptPrune's count");
    if (!o.groups().isEmpty()) m.put("groups", o.groups().toString());
    if (o.othersEvery() != 1) m.put("others_every", Integer.toString(o.othersEvery()));
    if (o.othersSample() > 0) m.put("others_sample", Integer.toString(o.othersSample()));
    if (o.askingLimit() > 0) m.put("asking_limit", Integer.toString(o.askingLimit()));
    if (!o.controls()) m.put("controls", "none (the sweep only)");
    // absent for the default: folders of earlier runs resume
    if (!o.ablations().equals(List.of(ToyAblation.FF_NET_2))) m.put("ablations", o.ablations().stream().map(ToyAblation::cliName).toList().toString());
    if (o.objectsPerStyle() > 0) m.put("objects_per_style", Integer.toString(o.objectsPerStyle()));
    // the CLIP by content, not path: the shipped one is extracted to a new temporary folder every run
    if (clip != null) m.put("clip_sha256", scoring.clipHash());
    return m;
  }

  @Override
  public List<ModelVariant> derivedModels(ModelVariant base, StableDiffusion sd) {
    return derivedModels(base, List.of(sd));
  }

  /** One concept's statistics turned into masks (computed on any worker, assembled in the concepts' order). */
  private record Derived(MaskSet cp, Map<String, FiaMethod.LayerScore> fia, ToyMethods.Chosen fiaMatched, List<SweepPoint> sweep) {}

  private record SweepPoint(String label, double k, int t, MaskSet mask) {}

  /** Each concept's statistics pass and masks on one of the workers (identical copies of the base model), in parallel. */
  @Override
  public List<ModelVariant> derivedModels(ModelVariant base, List<StableDiffusion> workers) {
    int tMax = o.tHat();
    for (int t : o.sweepT()) tMax = Math.max(tMax, t);
    int tAll = tMax;
    Progress bar = new Progress("statistics and masks (concepts)", o.concepts().size(), log);
    List<Derived> derived = Parallel.map(o.concepts(), workers, (c, sd) -> {
      Derived d = derive(c, sd, tAll);
      bar.step();
      return d;
    });
    boolean perPrompt = perPrompt();
    List<ModelVariant> out = new ArrayList<>();
    Map<String, MaskSet> cpOf = new LinkedHashMap<>();
    Map<String, Map<String, FiaMethod.LayerScore>> fiaOf = new LinkedHashMap<>();
    for (int i = 0; i < o.concepts().size(); i++) {
      String c = o.concepts().get(i);
      Derived d = derived.get(i);
      cpOf.put(c, d.cp());
      String how = String.format(Locale.ROOT, "ConceptPrune k=%s t̂=%d", o.k(), o.tHat());
      if (perPrompt) how += weights(d.cp()); // the method comparison reads the sizes from the descriptions
      if (o.controls()) {
        out.add(new ModelVariant(c + "-cp", base.model(), d.cp(), how));
        out.add(new ModelVariant(c + "-random", base.model(), ToyErasure.randomLike(d.cp(), ToyDefaults.randomMaskSeed(o.seed())), "random, as many weights per layer"));
      }
      if (perPrompt) fiaOf.put(c, d.fia());
      if (o.fia()) {
        ToyMethods.Chosen f = d.fiaMatched();
        out.add(new ModelVariant(c + "-fia", base.model(), f.mask(), String.format(Locale.ROOT,
            "FIA r1=%s r2=%.5f (as many weights as ConceptPrune) t̂=%d", ToyMethods.R1, f.r2(), o.tHat()) + weights(f.mask())));
      }
      for (SweepPoint p : d.sweep()) {
        out.add(new ModelVariant(p.label(), base.model(), p.mask(), String.format(Locale.ROOT, "ConceptPrune k=%s t̂=%d", p.k(), p.t())));
        sweep.put(p.label(), new double[] {p.k(), p.t()});
      }
    }
    o.groups().forEach((g, members) -> out.addAll(groupModels(base, g, members, cpOf, fiaOf)));
    for (ToyAblation a : o.ablations()) out.add(new ModelVariant(a.label(), base.model(), a.mask(workers.get(0), o.seed()), a.description()));
    for (ModelVariant v : out) masks.put(v.label(), v.mask());
    return out;
  }

  /** Whether the statistics pass keeps every prompt's own sums: FIA (alone or in groups) needs them. */
  private boolean perPrompt() {
    return o.fia() || !o.groups().isEmpty();
  }

  /** One concept: its statistics over the first tMax calls, ConceptPrune's mask, FIA's scores and matched mask, the sweep (first concept). */
  private Derived derive(String c, StableDiffusion sd, int tMax) {
    boolean perPrompt = perPrompt();
    PruneStats st = ToyErasure.stats(world, sd, kindOf(c), indexOf(c), tMax, ToyEval.Sampling.defaults(), ToyDefaults.statsSeed(o.seed()), perPrompt);
    MaskSet m = ToyErasure.mask(sd, st, o.k(), o.tHat());
    Map<String, FiaMethod.LayerScore> fia = perPrompt ? FiaMethod.scores(st, ModelWeights.of(sd.unet), c, o.tHat(), ToyMethods.R1) : null;
    ToyMethods.Chosen matched = o.fia() ? ToyMethods.matched(fia, ToyMethods.count(m)) : null;
    List<SweepPoint> sw = new ArrayList<>();
    if (c.equals(o.concepts().get(0))) {
      for (double k : o.sweepK()) {
        for (int t : o.sweepT()) sw.add(new SweepPoint(String.format(Locale.ROOT, "%s-k%s-t%d", c, k, t), k, t, ToyErasure.mask(sd, st, k, t)));
      }
    }
    return new Derived(m, fia, matched, sw);
  }

  /** A group's ConceptPrune union, FIA fusion at r2 0.05 and at the union's count, and random pruning. */
  private List<ModelVariant> groupModels(ModelVariant base, String g, List<String> members, Map<String, MaskSet> cpOf,
      Map<String, Map<String, FiaMethod.LayerScore>> fiaOf) {
    MaskSet union = ToyMethods.union(members.stream().map(cpOf::get).toList());
    var scores = members.stream().map(fiaOf::get).toList();
    MaskSet fused = ToyMethods.fused(scores, ToyMethods.GROUP_R2, ToyMethods.ALPHA);
    ToyMethods.Chosen eq = ToyMethods.fusedMatched(scores, ToyMethods.count(union), ToyMethods.ALPHA);
    String fia = "FIA fusion (paper rule) r1=" + ToyMethods.R1 + " alpha=" + ToyMethods.ALPHA;
    return List.of(
        new ModelVariant(g + "-cp", base.model(), union, "ConceptPrune union k=" + o.k() + " t̂=" + o.tHat() + weights(union)),
        new ModelVariant(g + "-fia", base.model(), fused, fia + " r2=" + ToyMethods.GROUP_R2 + weights(fused)),
        new ModelVariant(g + "-fia-eq", base.model(), eq.mask(),
            String.format(Locale.ROOT, "%s r2=%.5f (as many weights as the union)", fia, eq.r2()) + weights(eq.mask())),
        new ModelVariant(g + "-random", base.model(), ToyErasure.randomLike(union, ToyDefaults.randomMaskSeed(o.seed())),
            "random, as many weights per layer as the union" + weights(union)));
  }

  /** ", N of M ff.net.2 weights": a mask's size in a model's description. */
  private static String weights(MaskSet m) {
    MaskSet.Density d = m.overall();
    return String.format(Locale.ROOT, ", %d of %d ff.net.2 weights", d.pruned(), d.total());
  }

  /** The masks of the models this run derived (label -> mask), once {@link #derivedModels} ran. */
  public Map<String, MaskSet> masks() {
    return java.util.Collections.unmodifiableMap(masks);
  }

  @Override
  public Map<String, double[]> sweep() {
    return sweep;
  }

  /** The concept a derived model belongs to, or null for the base model, the ablations, groups and user masks. */
  private String conceptOf(String label) {
    if (ToyAblation.ofLabel(label) != null) return null;
    for (String c : o.concepts()) if (label.startsWith(c + "-")) return c;
    return null;
  }

  /** The concepts a group's model erases, or null when the label is no group's. */
  private List<String> groupOf(String label) {
    for (var g : o.groups().entrySet()) if (label.startsWith(g.getKey() + "-")) return g.getValue();
    return null;
  }

  @Override
  public boolean generates(ModelVariant model, PromptRow row) {
    String c = conceptOf(model.label());
    String set = row.field("set");
    if (ToyAblation.ofLabel(model.label()) != null) return set.equals(PAIRS);
    List<String> group = groupOf(model.label());
    // an erased model draws every n-th pair for "the others kept"
    boolean pair = set.equals(PAIRS) && ((c == null && group == null) || row.index() % o.othersEvery() == 0);
    if (group != null) return pair || group.stream().anyMatch(m -> set.equals(ASKING + m));
    return c == null && !set.equals(PAIRS) || pair || set.equals(ASKING + c);
  }

  @Override
  public List<ImageScore> score(String model, List<PromptRow> rows, List<RgbImage> images) {
    return scoring.score(model, rows, images);
  }

  @Override
  public String imageCaption(ImageScore s) {
    return scoring.caption(s, prompts.rows().get(s.row()));
  }

  @Override
  public List<String> tableMetrics() {
    List<String> judge = List.of("erased_acc", "with_acc", "others_object_acc", "others_style_acc", "object_acc", "style_acc");
    if (clip == null) return judge;
    List<String> all = new ArrayList<>(judge);
    all.addAll(List.of("erased_clip_score", "erased_clip_acc", "others_clip_score", "style_clip_acc"));
    return all;
  }

  @Override
  public List<ResultRow> summarize(List<ImageScore> scores, List<String> models, String base) {
    Map<Integer, PromptRow> byIndex = new LinkedHashMap<>();
    for (PromptRow r : prompts.rows()) byIndex.put(r.index(), r);
    List<ResultRow> out = new ArrayList<>();
    for (String m : models) {
      List<ImageScore> mine = scores.stream().filter(s -> s.model().equals(m)).toList();
      List<ImageScore> pairs = mine.stream().filter(s -> byIndex.get(s.row()).field("set").equals(PAIRS)).toList();
      if (conceptOf(m) == null) { // groups too: all pairs, those of their own concepts included
        out.add(Bootstrap.row(m, name(), "", "object_acc", values(pairs, "object_correct")));
        out.add(Bootstrap.row(m, name(), "", "style_acc", values(pairs, "style_correct")));
        if (clip != null) out.add(Bootstrap.row(m, name(), "", "style_clip_acc", values(pairs, ToyScoring.STYLE_CLIP_CORRECT)));
      }
      // the base model is the "before" of every concept; a concept's masks speak of it alone
      List<String> subjects = conceptOf(m) != null ? List.of(conceptOf(m))
          : groupOf(m) != null ? groupOf(m) : m.equals(base) ? o.concepts() : List.of();
      for (String c : subjects) {
        boolean style = kindOf(c);
        int idx = indexOf(c);
        List<ImageScore> asking = mine.stream().filter(s -> byIndex.get(s.row()).field("set").equals(ASKING + c)).toList();
        out.add(Bootstrap.row(m, name(), c, "erased_acc", values(asking, style ? "style_correct" : "object_correct")));
        out.add(Bootstrap.row(m, name(), c, "with_acc", values(asking, style ? "object_correct" : "style_correct")));
        List<ImageScore> others = pairs.stream().filter(s -> {
          PromptRow r = byIndex.get(s.row());
          return Integer.parseInt(r.field(style ? "style" : "object")) != idx;
        }).toList();
        out.add(Bootstrap.row(m, name(), c, "others_object_acc", values(others, "object_correct")));
        out.add(Bootstrap.row(m, name(), c, "others_style_acc", values(others, "style_correct")));
        if (clip != null && style) {
          out.add(Bootstrap.row(m, name(), c, "erased_clip_score", values(asking, ToyScoring.STYLE_CLIP_SCORE)));
          out.add(Bootstrap.row(m, name(), c, "erased_clip_acc", values(asking, ToyScoring.STYLE_CLIP_CORRECT)));
          out.add(Bootstrap.row(m, name(), c, "others_clip_score", values(others, ToyScoring.STYLE_CLIP_SCORE)));
        }
      }
    }
    return out;
  }

  static double[] values(List<ImageScore> scores, String key) {
    return scores.stream().filter(s -> s.values().containsKey(key)).mapToDouble(s -> s.values().get(key)).toArray();
  }

  @Override
  public void close() {
    scoring.close();
  }
}
