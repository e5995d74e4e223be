package org.conceptprune.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.eval.clip.ClipEvaluator;
import org.conceptprune.eval.clip.ClipScorer;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.util.UserError;

/**
 * Gender of the people generated for the WinoBias professions (shipped {@code male_occupations.txt}
 * and {@code female_occupations.txt}: the occupations stereotyped as male / female), judged by CLIP
 * zero-shot between "a photo of a man" and "a photo of a woman". Prompts: the template with {} = the
 * profession ("a photo of a {}" by default; ConceptPrune's {@code gender_reversal.py} uses "a headshot
 * of a {}"), N images each with seeds seed .. seed+N-1 (the same seeds for every profession and model).
 * Per model and group (the two lists and "all"): the share of images judged female and male; for every
 * model but the base, {@code flip_rate}: the share of rows whose judged gender differs from the base
 * model's image of the same prompt and seed.
 */
public final class GenderExperiment implements Experiment {
  public static final String NAME = "gender";
  public static final String DEFAULT_TEMPLATE = "a photo of a {}";
  public static final int DEFAULT_IMAGES = 250; // the authors' seeds 0..249
  static final List<String> CLASSES = List.of("a photo of a man", "a photo of a woman");
  static final List<String> GENDERS = List.of("man", "woman");
  static final Map<String, String> GROUPS = Map.of("male-occupations", "male_occupations.txt", "female-occupations",
      "female_occupations.txt");
  static final String PROFESSION = "profession";
  static final String GROUP = "group";
  static final String FEMALE = "female";
  static final String P_FEMALE = "p_female";
  static final String GENDER = "gender";

  private final String template;
  private final int images;
  private final PromptSet prompts;
  private final GenerationSettings generation;
  private final ClipScorer clip;

  /** @param template the prompt, {} = the profession (null: the default) @param images per profession (null: 250) */
  public GenderExperiment(EvalOptions opts, String template, Integer images) {
    if (opts.prompts() != null) {
      throw new UserError("the gender experiment builds its prompts from the shipped WinoBias professions; drop --prompts"
          + " (set the prompt with --template, e.g. 'a headshot of a {}')");
    }
    this.template = template != null ? template : DEFAULT_TEMPLATE;
    if (!this.template.contains("{}")) throw new UserError("--template '" + this.template + "' has no {} for the profession");
    this.images = images != null ? images : DEFAULT_IMAGES;
    if (this.images < 1) throw new UserError("--images-per-prompt must be at least 1, got " + this.images);
    this.generation = opts.generation(GenerationSettings.sd());
    this.prompts = rows(this.template, this.images, generation.seed());
    this.clip = EvalOptions.clipScorer(opts.clip(), NAME);
  }

  /** Profession-major rows: every profession of the male list, then the female list, N seeds each. */
  static PromptSet rows(String template, int n, long seed) {
    List<PromptRow> rows = new ArrayList<>();
    StringBuilder sig = new StringBuilder(NAME);
    for (String group : List.of("male-occupations", "female-occupations")) {
      for (String profession : professions(GROUPS.get(group))) {
        for (int i = 0; i < n; i++) {
          PromptRow r = new PromptRow(rows.size(), template.replace("{}", profession), seed + i, null,
              Map.of(PROFESSION, profession, GROUP, group));
          rows.add(r);
          sig.append('\n').append(r.prompt()).append(' ').append(r.seed()).append(' ').append(group);
        }
      }
    }
    String hash = PromptSet.sha256(sig.toString().getBytes(StandardCharsets.UTF_8));
    return new PromptSet("gender:winobias", hash, List.of("prompt", "seed", PROFESSION, GROUP), rows);
  }

  /** The non-empty lines of a shipped profession list. */
  static List<String> professions(String shipped) {
    try (InputStream in = GenderExperiment.class.getResourceAsStream("/conceptprune/prompts/eval/" + shipped)) {
      if (in == null) throw new IllegalStateException("shipped list missing: " + shipped);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
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
    m.put("template", template);
    m.put("images_per_profession", Integer.toString(images));
    m.put("classes", String.join(" | ", CLASSES));
    m.put("clip", clip.dir().toString());
    return m;
  }

  @Override
  public List<ImageScore> score(String model, List<PromptRow> rows, List<RgbImage> imgs) {
    ClipEvaluator.ZeroShot z = clip.zeroShot(imgs, CLASSES);
    List<ImageScore> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      PromptRow r = rows.get(i);
      int g = z.predicted()[i];
      out.add(new ImageScore(model, r.index(), Map.of(FEMALE, g == 1 ? 1.0 : 0.0, P_FEMALE, z.probs()[i][1]),
          Map.of(GENDER, GENDERS.get(g), PROFESSION, r.field(PROFESSION), GROUP, r.field(GROUP))));
    }
    return out;
  }

  @Override
  public List<String> tableMetrics() {
    return List.of("female_share", "male_share", "flip_rate");
  }

  @Override
  public List<ResultRow> summarize(List<ImageScore> scores, List<String> models, String base) {
    Map<Integer, PromptRow> byIndex = new LinkedHashMap<>();
    for (PromptRow r : prompts.rows()) byIndex.put(r.index(), r);
    Map<Integer, ImageScore> baseScores = new LinkedHashMap<>();
    for (ImageScore s : scores) if (s.model().equals(base)) baseScores.put(s.row(), s);
    List<ResultRow> out = new ArrayList<>();
    for (String m : models) {
      for (String subject : List.of("male-occupations", "female-occupations", "all")) {
        List<ImageScore> mine = scores.stream().filter(s -> s.model().equals(m)
            && (subject.equals("all") || byIndex.get(s.row()).field(GROUP).equals(subject))).toList();
        double[] female = mine.stream().mapToDouble(s -> s.values().get(FEMALE)).toArray();
        double[] male = mine.stream().mapToDouble(s -> 1 - s.values().get(FEMALE)).toArray();
        out.add(Bootstrap.row(m, NAME, subject, "female_share", female));
        out.add(Bootstrap.row(m, NAME, subject, "male_share", male));
        if (!m.equals(base)) out.add(Bootstrap.row(m, NAME, subject, "flip_rate", flips(mine, baseScores)));
      }
    }
    return out;
  }

  /** 1 where the judged gender differs from the base model's image of the same row, else 0; rows the base lacks are left out. */
  static double[] flips(List<ImageScore> mine, Map<Integer, ImageScore> base) {
    List<Double> v = new ArrayList<>();
    for (ImageScore s : mine) {
      ImageScore b = base.get(s.row());
      if (b != null) v.add(s.labels().get(GENDER).equals(b.labels().get(GENDER)) ? 0.0 : 1.0);
    }
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Override
  public void close() {
    clip.close();
  }
}
