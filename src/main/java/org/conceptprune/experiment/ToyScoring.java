package org.conceptprune.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conceptprune.eval.clip.ClipScorer;
import org.conceptprune.eval.clip.ClipScores;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.toy.ToyJudge;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.ToyWorld;
import org.conceptprune.toy.World;
import org.conceptprune.toy.clip.ToyClipEval;
import org.conceptprune.toy.clip.ToyClipTrainer;
import org.conceptprune.util.UserError;

/**
 * How the toy experiment scores an image: the toy judge's object and style (right or wrong against
 * the row's asked object and style), and with a toy CLIP its score against "a {style} shape" of the
 * asked style and its zero-shot style.
 */
final class ToyScoring implements AutoCloseable {
  static final String STYLE_CLIP_SCORE = "style_clip_score";
  static final String STYLE_CLIP_CORRECT = "style_clip_correct";

  private final World world;
  private final Path model;
  private final ClipScorer clip;
  private ToyJudge judge;
  private float[] styleTexts; // [styles, P]: every "a {style} shape", each embedded alone (the recipe's batch 1)

  /** @param model the toy model folder whose judge scores (null: the bundled judge); @param clip null: no CLIP metrics */
  ToyScoring(World world, Path model, ClipScorer clip) {
    this.world = world;
    this.model = model;
    this.clip = clip;
  }

  List<ImageScore> score(String label, List<PromptRow> rows, List<RgbImage> images) {
    if (judge == null) judge = model == null ? ToyJudge.loadBundled() : ToyModel.judge(model);
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
        float[] e = clip.imageEmbeds(List.of(images.get(i)));
        int best = ToyClipEval.best(e, styleTexts(), e.length);
        v.put(STYLE_CLIP_SCORE, ClipScores.clipScore(ClipScores.cosine(e, styleText(st))));
        v.put(STYLE_CLIP_CORRECT, best == st ? 1.0 : 0.0);
        labels.put("clip_style", world.style(best).name());
      }
      out.add(new ImageScore(label, row.index(), v, labels));
    }
    return out;
  }

  /** Under each grid image: what the judge saw, and the toy CLIP's score against the style the prompt asked for. */
  String caption(ImageScore s, PromptRow row) {
    String seen = "judge: " + s.labels().get("object") + ", " + s.labels().get("style");
    Double c = s.values().get(STYLE_CLIP_SCORE);
    if (c == null) return seen;
    String asked = ToyClipEval.stylePrompt(world.style(Integer.parseInt(row.field("style"))).name());
    return String.format(Locale.ROOT, "%s; CLIP(\"%s\") %.1f", seen, asked, c);
  }

  /** The CLIP by content, not path: the shipped one is extracted to a new temporary folder every run. */
  String clipHash() {
    try {
      return PromptSet.sha256(java.nio.file.Files.readAllBytes(clip.dir().resolve(ToyClipTrainer.WEIGHTS))).substring(0, 16);
    } catch (java.io.IOException e) {
      throw new UserError(clip.dir() + ": cannot read " + ToyClipTrainer.WEIGHTS + " (" + e.getMessage() + ")");
    }
  }

  /** The toy CLIP's embedding of the style-only caption "a {style} shape". */
  private float[] styleText(int style) {
    float[] all = styleTexts();
    return ClipScores.row(all, all.length / world.numStyles(), style);
  }

  private float[] styleTexts() {
    if (styleTexts == null) {
      styleTexts = clip.textEmbeds(java.util.stream.IntStream.range(0, world.numStyles())
          .mapToObj(s -> ToyClipEval.stylePrompt(world.style(s).name())).toList());
    }
    return styleTexts;
  }

  @Override
  public void close() {
    if (judge != null) judge.close();
    if (clip != null) clip.close();
  }
}
