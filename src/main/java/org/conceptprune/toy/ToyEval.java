package org.conceptprune.toy;

import java.util.ArrayList;
import java.util.List;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TextToImage;
import org.conceptprune.schedule.SchedulerKind;

/**
 * The toy world's prompt sets and judging: the items that ask for a concept or a pair, the
 * calibration prompts of a concept, and generation judged by the toy judge. Images come from fixed
 * seeds, so before/after comparisons see the same initial latents. What prunes (statistics, masks,
 * a run with a mask applied) is {@code experiment.ToyErasure}.
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
    String fmt() {
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
  static List<Item> allPairs(int perPair) {
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

  /** A toy concept's calibration prompts: target prompts (with the concept) and their references (without). */
  public record Calibration(List<String> target, List<String> reference) {}

  /** The calibration prompts of a toy concept (ALGORITHM.md templates adapted to the world). */
  public static Calibration calibration(World w, boolean style, int c) {
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
    return new Calibration(t, r);
  }
}
