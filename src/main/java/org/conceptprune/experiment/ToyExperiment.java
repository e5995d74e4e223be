package org.conceptprune.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conceptprune.eval.clip.ClipScores;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.FiaMethod;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ModelWeights;
import org.conceptprune.prune.PruneStats;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyJudge;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.ToyWorld;
import org.conceptprune.toy.clip.ToyClipEval;
import org.conceptprune.toy.clip.ToyClipTrainer;
import org.conceptprune.toy.World;
import org.conceptprune.util.UserError;

/**
 * The toy world's erasure experiment, judged by the toy judge, with the seeds of {@code toy eval}:
 * for every concept (a style or an object name), the prompts asking for it (seed + 31, chunks of 64)
 * and one image per (object, style) pair (seed, chunks of 64). Models: the base model; per concept its
 * ConceptPrune mask (statistics as {@code toy eval}: DDIM, seed + 100, a seed per pair), a random
 * mask with the same per-layer counts (seed + 11), and for the first concept the k x t̂ sweep; the
 * all-{@code ff.net.2} ablation as the ceiling.
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
   */
  public record Options(List<String> concepts, double k, int tHat, int perConcept, long seed, List<Double> sweepK,
      List<Integer> sweepT, boolean ablation, Path model, Path clip, boolean fia, Map<String, List<String>> groups,
      int othersEvery) {
    public Options {
      if (concepts.isEmpty()) throw new UserError("the toy experiment needs at least one concept (--target)");
      World w = worldOf(model);
      for (String c : concepts) kindOf(w, c);
      if (perConcept < 1) throw new UserError("images per concept must be >= 1");
      if (othersEvery < 1) throw new UserError("--others-every must be >= 1, got " + othersEvery);
      groups.forEach((g, members) -> {
        if (concepts.contains(g)) throw new UserError("group name '" + g + "' is also a concept");
        for (String m : members) {
          if (!concepts.contains(m)) throw new UserError("group '" + g + "': '" + m + "' is not one of the --target concepts " + concepts);
        }
      });
    }

    /** The shipped model (classic world, bundled judge), without CLIP metrics, FIA or groups. */
    public Options(List<String> concepts, double k, int tHat, int perConcept, long seed, List<Double> sweepK,
        List<Integer> sweepT, boolean ablation) {
      this(concepts, k, tHat, perConcept, seed, sweepK, sweepT, ablation, null, null, false, Map.of(), 1);
    }
  }

  static World worldOf(Path model) {
    return model == null ? World.classic() : ToyModel.world(model);
  }

  private final Options o;
  private final World world;
  private final PromptSet prompts;
  private final Map<String, double[]> sweep = new LinkedHashMap<>();
  private ToyJudge judge;
  private final ClipJudge clip;

  public ToyExperiment(Options o) {
    this.o = o;
    this.world = worldOf(o.model());
    this.prompts = rows(o, world);
    this.clip = o.clip() == null ? null : new ClipJudge(o.clip(), name());
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

  private static PromptSet rows(Options o, World w) {
    List<PromptRow> rows = new ArrayList<>();
    for (String c : o.concepts()) {
      add(rows, ASKING + c, ToyEval.asking(w, kindOf(w, c), indexOf(w, c), o.perConcept()), ToyDefaults.askingSeed(o.seed()));
    }
    add(rows, PAIRS, ToyEval.allPairs(w, 1), o.seed());
    StringBuilder sig = new StringBuilder("toy");
    for (PromptRow r : rows) sig.append('\n').append(r.prompt()).append(' ').append(r.seed()).append(' ').append(r.slot());
    String hash = PromptSet.sha256(sig.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new PromptSet("toy:" + String.join("+", o.concepts()), hash, List.of("prompt", "set", "object", "style"), rows);
  }

  /** {@link ToyEval#run}'s seeding: chunk c of 64 items draws its latents from seed + c. */
  private static void add(List<PromptRow> rows, String set, List<ToyEval.Item> items, long seed) {
    int chunk = 64;
    for (int i = 0; i < items.size(); i++) {
      ToyEval.Item it = items.get(i);
      int start = i / chunk * chunk;
      int batch = Math.min(chunk, items.size() - start);
      rows.add(new PromptRow(rows.size(), it.prompt(), seed + i / chunk, null, batch, i - start,
          Map.of("set", set, "object", Integer.toString(it.object()), "style", Integer.toString(it.style()))));
    }
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
    // the CLIP by content, not path: the shipped one is extracted to a new temporary folder every run
    if (clip != null) m.put("clip_sha256", clipHash());
    return m;
  }

  @Override
  public List<ModelVariant> derivedModels(ModelVariant base, StableDiffusion sd) {
    List<ModelVariant> out = new ArrayList<>();
    ToyEval.Sampling s = ToyEval.Sampling.defaults();
    int tMax = o.tHat();
    for (int t : o.sweepT()) tMax = Math.max(tMax, t);
    boolean perPrompt = o.fia() || !o.groups().isEmpty();
    Map<String, MaskSet> cpOf = new LinkedHashMap<>();
    Map<String, Map<String, FiaMethod.LayerScore>> fiaOf = new LinkedHashMap<>();
    for (String c : o.concepts()) {
      PruneStats st = ToyEval.stats(world, sd, kindOf(c), indexOf(c), tMax, s, ToyDefaults.statsSeed(o.seed()), perPrompt);
      MaskSet m = ToyEval.mask(sd, st, o.k(), o.tHat());
      cpOf.put(c, m);
      String how = String.format(Locale.ROOT, "ConceptPrune k=%s t̂=%d", o.k(), o.tHat());
      if (perPrompt) how += weights(m); // the method comparison reads the sizes from the descriptions
      out.add(new ModelVariant(c + "-cp", base.model(), m, how));
      out.add(new ModelVariant(c + "-random", base.model(), ToyEval.randomLike(m, ToyDefaults.randomMaskSeed(o.seed())), "random, as many weights per layer"));
      if (perPrompt) fiaOf.put(c, FiaMethod.scores(st, ModelWeights.of(sd.unet), c, o.tHat(), ToyMethods.R1));
      if (o.fia()) {
        ToyMethods.Chosen f = ToyMethods.matched(fiaOf.get(c), ToyMethods.count(m));
        out.add(new ModelVariant(c + "-fia", base.model(), f.mask(), String.format(Locale.ROOT,
            "FIA r1=%s r2=%.5f (as many weights as ConceptPrune) t̂=%d", ToyMethods.R1, f.r2(), o.tHat()) + weights(f.mask())));
      }
      if (c.equals(o.concepts().get(0))) {
        for (double k : o.sweepK()) {
          for (int t : o.sweepT()) {
            String label = String.format(Locale.ROOT, "%s-k%s-t%d", c, k, t);
            out.add(new ModelVariant(label, base.model(), ToyEval.mask(sd, st, k, t),
                String.format(Locale.ROOT, "ConceptPrune k=%s t̂=%d", k, t)));
            sweep.put(label, new double[] {k, t});
          }
        }
      }
    }
    o.groups().forEach((g, members) -> out.addAll(groupModels(base, g, members, cpOf, fiaOf)));
    if (o.ablation()) out.add(new ModelVariant("all-ff.net.2", base.model(), ToyEval.all(sd, ".ff.net.2"), "every ff.net.2 weight zeroed"));
    return out;
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
        new ModelVariant(g + "-random", base.model(), ToyEval.randomLike(union, ToyDefaults.randomMaskSeed(o.seed())),
            "random, as many weights per layer as the union" + weights(union)));
  }

  /** ", N of M ff.net.2 weights": a mask's size in a model's description. */
  private static String weights(MaskSet m) {
    MaskSet.Density d = m.overall();
    return String.format(Locale.ROOT, ", %d of %d ff.net.2 weights", d.pruned(), d.total());
  }

  @Override
  public Map<String, double[]> sweep() {
    return sweep;
  }

  /** The concept a derived model belongs to, or null for the base model, the ablation, groups and user masks. */
  private String conceptOf(String label) {
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
    if (model.label().equals("all-ff.net.2")) return set.equals(PAIRS);
    List<String> group = groupOf(model.label());
    // an erased model draws every n-th pair for "the others kept"
    boolean pair = set.equals(PAIRS) && ((c == null && group == null) || row.index() % o.othersEvery() == 0);
    if (group != null) return pair || group.stream().anyMatch(m -> set.equals(ASKING + m));
    return c == null && !set.equals(PAIRS) || pair || set.equals(ASKING + c);
  }

  @Override
  public List<ImageScore> score(String model, List<PromptRow> rows, List<RgbImage> images) {
    if (judge == null) judge = o.model() == null ? ToyJudge.loadBundled() : ToyModel.judge(o.model());
    int n = images.size();
    float[] all = new float[n * ToyWorld.PIXELS];
    for (int i = 0; i < n; i++) System.arraycopy(images.get(i).toUnitFloats(), 0, all, i * ToyWorld.PIXELS, ToyWorld.PIXELS);
    ToyJudge.Result r = judge.classify(all, n, ToyJudge.Layout.NHWC);
    List<ImageScore> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PromptRow row = rows.get(i);
      int ob = Integer.parseInt(row.field("object"));
      int st = Integer.parseInt(row.field("style"));
      Map<String, Double> v = new LinkedHashMap<>();
      if (ob >= 0) v.put("object_correct", r.object()[i] == ob ? 1.0 : 0.0);
      if (st >= 0) v.put("style_correct", r.style()[i] == st ? 1.0 : 0.0);
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("object", world.objects().get(r.object()[i]));
      labels.put("style", world.style(r.style()[i]).name());
      if (clip != null && st >= 0) {
        float[] e = clip.imageEmbeds(images.get(i));
        int best = clipStyle(e);
        v.put(STYLE_CLIP_SCORE, ClipScores.clipScore(ClipScores.cosine(e, styleText(st))));
        v.put(STYLE_CLIP_CORRECT, best == st ? 1.0 : 0.0);
        labels.put("clip_style", world.style(best).name());
      }
      out.add(new ImageScore(model, row.index(), v, labels));
    }
    return out;
  }

  /** Under each grid image: what the judge saw, and the toy CLIP's score against the style the prompt asked for. */
  @Override
  public String imageCaption(ImageScore s) {
    String judge = "judge: " + s.labels().get("object") + ", " + s.labels().get("style");
    Double c = s.values().get(STYLE_CLIP_SCORE);
    if (c == null) return judge;
    PromptRow row = prompts.rows().get(s.row());
    String asked = ToyClipEval.stylePrompt(world.style(Integer.parseInt(row.field("style"))).name());
    return String.format(Locale.ROOT, "%s; CLIP(\"%s\") %.1f", judge, asked, c);
  }

  private String clipHash() {
    try {
      return PromptSet.sha256(java.nio.file.Files.readAllBytes(clip.dir().resolve(ToyClipTrainer.WEIGHTS))).substring(0, 16);
    } catch (java.io.IOException e) {
      throw new UserError(clip.dir() + ": cannot read " + ToyClipTrainer.WEIGHTS + " (" + e.getMessage() + ")");
    }
  }

  static final String STYLE_CLIP_SCORE = "style_clip_score";
  static final String STYLE_CLIP_CORRECT = "style_clip_correct";
  private float[] styleTexts; // [styles, P]: every "a {style} shape", each embedded alone (batch 1, as ClipJudge does)

  /** The toy CLIP's embedding of the style-only caption "a {style} shape". */
  private float[] styleText(int style) {
    float[] all = styleTexts();
    return ClipScores.row(all, all.length / world.numStyles(), style);
  }

  private float[] styleTexts() {
    if (styleTexts == null) {
      float[][] rows = new float[world.numStyles()][];
      for (int s = 0; s < rows.length; s++) rows[s] = clip.textEmbeds(ToyClipEval.stylePrompt(world.style(s).name()));
      int d = rows[0].length;
      styleTexts = new float[rows.length * d];
      for (int s = 0; s < rows.length; s++) System.arraycopy(rows[s], 0, styleTexts, s * d, d);
    }
    return styleTexts;
  }

  /** The style whose caption the toy CLIP finds closest to the image (zero-shot). */
  private int clipStyle(float[] image) {
    return ToyClipEval.best(image, styleTexts(), image.length);
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
        if (clip != null) out.add(Bootstrap.row(m, name(), "", "style_clip_acc", values(pairs, STYLE_CLIP_CORRECT)));
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
          out.add(Bootstrap.row(m, name(), c, "erased_clip_score", values(asking, STYLE_CLIP_SCORE)));
          out.add(Bootstrap.row(m, name(), c, "erased_clip_acc", values(asking, STYLE_CLIP_CORRECT)));
          out.add(Bootstrap.row(m, name(), c, "others_clip_score", values(others, STYLE_CLIP_SCORE)));
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
    if (judge != null) judge.close();
    if (clip != null) clip.close();
  }
}
