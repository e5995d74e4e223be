package org.conceptprune.toy.clip;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.conceptprune.eval.clip.ClipEvaluator;
import org.conceptprune.eval.clip.ClipScores;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.toy.ToyRenderer;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.ToyWorld;
import org.conceptprune.toy.World;

/**
 * Zero-shot accuracy of a toy CLIP folder (loaded as {@code score clip} loads any CLIP) on fresh
 * renders of every (object, style) pair: the object among "a {object}", the style among
 * "a {style} shape", the pair among every "a {style} {object}"; training and held-out pairs apart.
 */
public final class ToyClipEval {
  private ToyClipEval() {}

  /** Accuracies on training pairs and on held-out pairs (never seen in training), n images each. */
  public record Report(double object, double style, double pair, int n, double heldOutObject, double heldOutStyle,
      double heldOutPair, int heldOutN) {
    String describe() {
      return String.format(Locale.ROOT,
          "zero-shot on %d training-pair renders: object %.3f style %.3f pair %.3f; on %d held-out-pair renders:"
              + " object %.3f style %.3f pair %.3f", n, object, style, pair, heldOutN, heldOutObject, heldOutStyle, heldOutPair);
    }
  }

  /** The style prompt of the toy grammar (what the UNet's style-only captions say). */
  public static String stylePrompt(String style) {
    return "a " + style + " shape";
  }

  /** In the CLIP folder's world (its toy_world.json; classic without one). */
  public static Report run(Path dir, long seed, int perPair, Consumer<String> log) {
    World w = ToyModel.world(dir);
    List<String> objects = w.objects();
    List<String> styles = w.styleNames();
    List<String> pairPrompts = new ArrayList<>();
    for (int o = 0; o < objects.size(); o++) {
      for (String s : styles) pairPrompts.add("a " + s + " " + objects.get(o));
    }
    int[] right = new int[6];
    int[] count = new int[2];
    try (ClipEvaluator clip = ClipEvaluator.load(dir)) {
      int d = clip.projectionDim();
      float[] objectText = clip.textEmbeds(ClipEvaluator.prompts(objects, "a {}"));
      List<String> sp = new ArrayList<>();
      for (String s : styles) sp.add(stylePrompt(s));
      float[] styleText = clip.textEmbeds(sp);
      float[] pairText = clip.textEmbeds(pairPrompts);
      SplittableRandom r = new SplittableRandom(seed);
      for (int o = 0; o < objects.size(); o++) {
        for (int s = 0; s < styles.size(); s++) {
          List<RgbImage> imgs = new ArrayList<>();
          for (int i = 0; i < perPair; i++) imgs.add(RgbImage.fromChw(ToyRenderer.render(w, o, s, r), 0, ToyWorld.SIZE, ToyWorld.SIZE));
          float[] emb = clip.imageEmbeds(clip.pixelValues(imgs));
          int h = w.isHeldOut(o, s) ? 1 : 0;
          for (int i = 0; i < perPair; i++) {
            float[] e = ClipScores.row(emb, d, i);
            if (best(e, objectText, d) == o) right[3 * h]++;
            if (best(e, styleText, d) == s) right[3 * h + 1]++;
            if (best(e, pairText, d) == o * styles.size() + s) right[3 * h + 2]++;
            count[h]++;
          }
        }
      }
    }
    Report rep = new Report(frac(right[0], count[0]), frac(right[1], count[0]), frac(right[2], count[0]), count[0],
        frac(right[3], count[1]), frac(right[4], count[1]), frac(right[5], count[1]), count[1]);
    log.accept(rep.describe());
    return rep;
  }

  /** The row of texts [K, D] most similar to e (cosine; the first on a tie). */
  public static int best(float[] e, float[] texts, int d) {
    int k = texts.length / d;
    int arg = 0;
    double top = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      double c = ClipScores.cosine(e, ClipScores.row(texts, d, j));
      if (c > top) {
        top = c;
        arg = j;
      }
    }
    return arg;
  }

  static double frac(int a, int b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }
}
