package org.conceptprune.toy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TextToImage;
import org.conceptprune.prune.ActivationStats;
import org.conceptprune.prune.Aggregation;
import org.conceptprune.prune.ConceptFamily;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.Masks;
import org.conceptprune.prune.ModelWeights;
import org.conceptprune.prune.ProbeSite;
import org.conceptprune.prune.PruneStats;
import org.conceptprune.prune.Pruner;
import org.conceptprune.prune.StatsSettings;
import org.conceptprune.prune.Variant;
import org.conceptprune.nn.Linear;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.util.Progress;

/**
 * Measures the toy model with the judge: generation accuracy, ablations (all ff.net.2 zeroed, all
 * attn2.to_out zeroed, random weights zeroed), and ConceptPrune erasure of styles and objects with
 * a random-pruning control. Images come from fixed seeds, so before/after comparisons see the same
 * initial latents.
 */
public final class ToyEval {
  private ToyEval() {}

  /** Sampling settings of every evaluation. */
  public record Sampling(int steps, double guidance) {
    public static Sampling defaults() {
      return new Sampling(ToyDefaults.STEPS, ToyDefaults.GUIDANCE);
    }
  }

  /** A prompt and what it asks for (-1: not named). */
  public record Item(String prompt, int object, int style) {}

  /** Accuracy on a set: object over items naming an object, style over items naming a style. */
  public record Acc(double object, double style, int n) {
    public String fmt() {
      return String.format(java.util.Locale.ROOT, "object %.3f style %.3f (n=%d)", object, style, n);
    }
  }

  /** The judged images of a set. */
  public record Judged(List<Item> items, float[] images, ToyJudge.Result result) {
    public Acc acc() {
      return accuracy(items, result);
    }
  }

  public static Acc accuracy(List<Item> items, ToyJudge.Result r) {
    int no = 0;
    int co = 0;
    int ns = 0;
    int cs = 0;
    for (int i = 0; i < items.size(); i++) {
      Item it = items.get(i);
      if (it.object() >= 0) {
        no++;
        if (r.object()[i] == it.object()) co++;
      }
      if (it.style() >= 0) {
        ns++;
        if (r.style()[i] == it.style()) cs++;
      }
    }
    return new Acc(no == 0 ? Double.NaN : (double) co / no, ns == 0 ? Double.NaN : (double) cs / ns, items.size());
  }

  /** Generates every item (chunks of 64, chunk c from seed + c) and judges the images. */
  public static Judged run(StableDiffusion sd, ToyJudge judge, List<Item> items, long seed, Sampling s) {
    int px = ToyWorld.PIXELS;
    float[] all = new float[items.size() * px];
    int chunk = 64;
    for (int start = 0, c = 0; start < items.size(); start += chunk, c++) {
      List<String> prompts = new ArrayList<>();
      for (int i = start; i < Math.min(items.size(), start + chunk); i++) prompts.add(items.get(i).prompt());
      var req = new TextToImage.Request(prompts, null, s.steps(), s.guidance(), SchedulerKind.DDIM, 32, 32,
          seed + c, null, true);
      float[] img = TextToImage.run(sd, req, new TextToImage.Listener() {}).images();
      System.arraycopy(img, 0, all, start * px, img.length);
    }
    // The judge sees what a PNG of the image holds (8-bit), as `evaluate` judges its PNG files.
    for (int i = 0; i < all.length; i++) all[i] = org.conceptprune.eval.image.RgbImage.u8(all[i]) / 255f;
    return new Judged(items, all, judge.classify(all, items.size(), ToyJudge.Layout.NHWC));
  }

  /** {@link #allPairs(World, int)} of the classic world. */
  public static List<Item> allPairs(int perPair) {
    return allPairs(World.classic(), perPair);
  }

  /** Every (object, style) pair, the two full templates alternating, perPair images each. */
  public static List<Item> allPairs(World w, int perPair) {
    List<Item> out = new ArrayList<>();
    for (int k = 0; k < perPair; k++) {
      for (int o = 0; o < w.numObjects(); o++) {
        for (int s = 0; s < w.numStyles(); s++) out.add(full(w, o, s, (o + s + k) % 2 == 0));
      }
    }
    return out;
  }

  /**
   * {@link #allPairs(World, int)} with only objectsPerStyle objects per style (0: all): style s keeps
   * objects s, s+1, ... (mod the object count), so every object appears about equally often. A
   * crowded world's 720 pairs cost an image each per model; 2 per style keeps every style and object.
   */
  public static List<Item> somePairs(World w, int perPair, int objectsPerStyle) {
    if (objectsPerStyle <= 0 || objectsPerStyle >= w.numObjects()) return allPairs(w, perPair);
    List<Item> out = new ArrayList<>();
    for (Item it : allPairs(w, perPair)) {
      if (Math.floorMod(it.object() - it.style(), w.numObjects()) < objectsPerStyle) out.add(it);
    }
    return out;
  }

  static Item full(World w, int o, int s, boolean styleFirst) {
    Caption.Template t = styleFirst ? Caption.Template.STYLE_OBJECT : Caption.Template.OBJECT_IN_STYLE;
    return new Item(w.caption(o, s, t).text(), o, s);
  }

  /** {@link #asking(World, boolean, int, int)} of the classic world. */
  public static List<Item> asking(boolean style, int c, int n) {
    return asking(World.classic(), style, c, n);
  }

  /** Prompts asking for style s (with every object) or object o (with every style), n each. */
  public static List<Item> asking(World w, boolean style, int c, int n) {
    List<Item> out = new ArrayList<>();
    int others = style ? w.numObjects() : w.numStyles();
    for (int k = 0; k < n; k++) {
      for (int x = 0; x < others; x++) {
        out.add(style ? full(w, x, c, (x + k) % 2 == 0) : full(w, c, x, (x + k) % 2 == 0));
      }
    }
    return out;
  }

  /** Items of the pairs that involve none of the concepts. */
  public static List<Item> without(List<Item> items, List<int[]> concepts) {
    List<Item> out = new ArrayList<>();
    for (Item it : items) {
      boolean hit = false;
      for (int[] c : concepts) hit |= c[0] == 1 ? it.style() == c[1] : it.object() == c[1];
      if (!hit) out.add(it);
    }
    return out;
  }

  /** {@link #calibration(World, boolean, int)} of the classic world. */
  public static ConceptFamily.Prompts calibration(boolean style, int c) {
    return calibration(World.classic(), style, c);
  }

  /** The calibration prompts of a toy concept (ALGORITHM.md templates adapted to the world). */
  public static ConceptFamily.Prompts calibration(World w, boolean style, int c) {
    List<String> t = new ArrayList<>();
    List<String> r = new ArrayList<>();
    if (style) {
      String s = w.style(c).name();
      for (String o : w.objects()) {
        t.add("a " + o + " in " + s + " style");
        r.add("a " + o);
        t.add("a " + s + " " + o);
        r.add("a " + o);
      }
    } else {
      String o = w.objects().get(c);
      for (var st : w.styles()) {
        t.add("a " + st.name() + " " + o);
        r.add("a " + st.name() + " shape");
      }
    }
    return new ConceptFamily.Prompts(t, r);
  }

  /** {@link #stats(World, StableDiffusion, boolean, int, int, Sampling, long)} of the classic world. */
  public static PruneStats stats(StableDiffusion sd, boolean style, int c, int tMax, Sampling s, long seed) {
    return stats(World.classic(), sd, style, c, tMax, s, seed);
  }

  /** Statistics of a concept over the first tMax UNet calls (DDIM, the evaluation's sampling). */
  public static PruneStats stats(World w, StableDiffusion sd, boolean style, int c, int tMax, Sampling s, long seed) {
    return stats(w, sd, style, c, tMax, s, seed, false);
  }

  /** As above; with {@code perPrompt} the same pass also keeps every prompt's own sums (FIA's statistics). */
  public static PruneStats stats(World w, StableDiffusion sd, boolean style, int c, int tMax, Sampling s, long seed,
      boolean perPrompt) {
    StatsSettings st = new StatsSettings(ProbeSite.FFN2, Aggregation.TOKENNORM, tMax, SchedulerKind.DDIM, s.steps(),
        s.guidance(), seed, true, 32, 32, perPrompt, 1);
    var prompts = calibration(w, style, c);
    Progress quiet = new Progress("stats", (long) prompts.target().size() * tMax, new java.io.PrintWriter(java.io.Writer.nullWriter()));
    return ActivationStats.collect(sd, prompts, st, null, quiet).stats();
  }

  public static MaskSet mask(StableDiffusion sd, PruneStats stats, double k, int tHat) {
    return stats.maskFor(ModelWeights.of(sd.unet), k, tHat, 0, Variant.SKILLED);
  }

  /** The same number of weights per layer as {@code like}, at uniformly random positions (seeded). */
  public static MaskSet randomLike(MaskSet like, long seed) {
    MaskSet out = new MaskSet();
    SplittableRandom r = new SplittableRandom(seed);
    for (String layer : like.layers()) {
      LayerMask m = like.get(layer);
      LayerMask x = new LayerMask(m.out(), m.in());
      long want = m.count();
      int n = m.numel();
      int set = 0;
      while (set < want) {
        int p = r.nextInt(n);
        if (!x.get(p)) {
          x.set(p);
          set++;
        }
      }
      out.put(layer, x);
    }
    return out;
  }

  /** Masks that zero every weight of the UNet's Linear layers whose path ends with suffix. */
  public static MaskSet all(StableDiffusion sd, String suffix) {
    MaskSet out = new MaskSet();
    sd.unet.modules().forEach((path, m) -> {
      if (path.endsWith(suffix) && m instanceof Linear l) {
        long[] s = l.parameters().get("weight").shape();
        LayerMask x = new LayerMask((int) s[0], (int) s[1]);
        for (int p = 0; p < x.numel(); p++) x.set(p);
        out.put(path, x);
      }
    });
    return out;
  }

  /** Runs the items with a mask applied (restored afterwards). */
  public static Judged withMask(StableDiffusion sd, ToyJudge judge, MaskSet mask, List<Item> items, long seed, Sampling s) {
    try (Pruner.Applied a = Pruner.apply(sd.unet, mask)) {
      return run(sd, judge, items, seed, s);
    }
  }

  /** Number of ff.net.2 weights of the UNet. */
  public static long ffn2Weights(StableDiffusion sd) {
    long n = 0;
    for (Map.Entry<String, Linear> e : sd.unet.ffn2Layers().entrySet()) n += e.getValue().parameters().get("weight").numel();
    return n;
  }

  /** The union of masks. */
  public static MaskSet union(List<MaskSet> masks) {
    return Masks.or(masks);
  }

  /** Weights a mask prunes. */
  public static long count(MaskSet m) {
    long n = 0;
    for (String l : m.layers()) n += m.get(l).count();
    return n;
  }
}
