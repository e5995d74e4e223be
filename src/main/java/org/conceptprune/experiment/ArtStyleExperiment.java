package org.conceptprune.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.conceptprune.eval.clip.ClipScorer;
import org.conceptprune.eval.clip.ClipScores;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.util.UserError;

/**
 * Artist-style erasure (ESD's {@code big_artist_prompts.csv}: case_number, prompt, evaluation_seed,
 * artist), judged by CLIP. Per image: cos(image, its own prompt) and the CLIP score max(100 cos, 0).
 * Per model, on the erased artist's rows and on the other artists' rows:
 * <ul>
 *   <li>{@code clip_score}: the mean CLIP score (erasure should lower it on the target only);
 *   <li>{@code clip_accuracy}, ConceptPrune's {@code artist_erasure.py} score: the share of rows whose
 *       image from this model is less similar to the prompt than the base model's image of the same
 *       prompt and seed (cos_model &lt; cos_base). Defined for every model but the base.
 * </ul>
 * Subject of every row: the erased artist; the metric name says which rows ({@code target_} / {@code others_}).
 */
public final class ArtStyleExperiment implements Experiment {
  public static final String NAME = "art-style";
  static final String DEFAULT_PROMPTS = "big_artist_prompts.csv";
  static final String ARTIST = "artist";
  static final String COSINE = "cosine";
  static final String CLIP_SCORE = "clip_score";

  private final PromptSet prompts;
  private final String target;
  private final GenerationSettings generation;
  private final ClipScorer clip;

  public ArtStyleExperiment(EvalOptions opts) {
    this.prompts = PromptSet.open(opts.prompts() != null ? opts.prompts() : DEFAULT_PROMPTS);
    Set<String> artists = artists(prompts);
    this.target = match(opts.target(NAME), artists, prompts.name());
    this.clip = EvalOptions.clipScorer(opts.clip(), NAME);
    this.generation = opts.generation(GenerationSettings.sd());
  }

  /** The artists of a prompt set's {@code artist} column, in order of appearance. */
  static Set<String> artists(PromptSet p) {
    if (!p.columns().contains(ARTIST)) {
      throw new UserError(p.name() + ": the art-style experiment needs an '" + ARTIST + "' column (found " + p.columns() + ")");
    }
    Set<String> a = new LinkedHashSet<>();
    for (PromptRow r : p.rows()) a.add(r.field(ARTIST));
    return a;
  }

  /** The artist as the CSV spells it (case and surrounding spaces ignored), or an error listing them. */
  static String match(String target, Set<String> artists, String file) {
    for (String a : artists) if (a.strip().equalsIgnoreCase(target.strip())) return a;
    throw new UserError("--target '" + target + "' is not an artist of " + file + " (artists: " + String.join(", ", artists) + ")");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PromptSet prompts() {
    return prompts;
  }

  @Override
  public GenerationSettings generation() {
    return generation;
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("target", target);
    m.put("clip", clip.dir().toString());
    return m;
  }

  @Override
  public List<ImageScore> score(String model, List<PromptRow> rows, List<RgbImage> images) {
    double[] cos = clip.cosines(images, rows.stream().map(PromptRow::prompt).toList());
    List<ImageScore> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      out.add(new ImageScore(model, rows.get(i).index(), Map.of(COSINE, cos[i], CLIP_SCORE, ClipScores.clipScore(cos[i])),
          Map.of(ARTIST, rows.get(i).field(ARTIST))));
    }
    return out;
  }

  @Override
  public List<String> tableMetrics() {
    return List.of("target_clip_score", "target_clip_accuracy", "others_clip_score", "others_clip_accuracy");
  }

  @Override
  public List<ResultRow> summarize(List<ImageScore> scores, List<String> models, String base) {
    Map<Integer, PromptRow> byIndex = new LinkedHashMap<>();
    for (PromptRow r : prompts.rows()) byIndex.put(r.index(), r);
    Map<Integer, ImageScore> baseScores = new LinkedHashMap<>();
    for (ImageScore s : scores) if (s.model().equals(base)) baseScores.put(s.row(), s);
    List<ResultRow> out = new ArrayList<>();
    for (String m : models) {
      for (String which : List.of("target", "others")) {
        boolean erased = which.equals("target");
        List<ImageScore> mine = scores.stream()
            .filter(s -> s.model().equals(m) && byIndex.get(s.row()).field(ARTIST).equals(target) == erased).toList();
        out.add(Bootstrap.row(m, NAME, target, which + "_clip_score",
            mine.stream().mapToDouble(s -> s.values().get(CLIP_SCORE)).toArray()));
        if (!m.equals(base)) out.add(Bootstrap.row(m, NAME, target, which + "_clip_accuracy", lessSimilar(mine, baseScores)));
      }
    }
    return out;
  }

  /** 1 where cos(model image, prompt) &lt; cos(base image, prompt) for the same row, else 0; rows the base lacks are left out. */
  static double[] lessSimilar(List<ImageScore> mine, Map<Integer, ImageScore> base) {
    List<Double> v = new ArrayList<>();
    for (ImageScore s : mine) {
      ImageScore b = base.get(s.row());
      if (b != null) v.add(s.values().get(COSINE) < b.values().get(COSINE) ? 1.0 : 0.0);
    }
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Override
  public void close() {
    clip.close();
  }
}
