package org.conceptprune.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.eval.image.ImageFiles;
import org.conceptprune.eval.clip.ClipScorer;
import org.conceptprune.eval.clip.ClipScores;
import org.conceptprune.eval.fid.FeatureFile;
import org.conceptprune.eval.fid.FidInceptionV3;
import org.conceptprune.eval.fid.FrechetDistance;
import org.conceptprune.eval.fid.GaussianStats;
import org.conceptprune.eval.fid.KernelInceptionDistance;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.util.UserError;

/**
 * What erasure costs on everything else: COCO captions ({@code coco_3k.csv}: case_number, source,
 * prompt, evaluation_seed, coco_id), each model's images against reference images. Per image: the
 * CLIP score with its caption, and pool3 features of pytorch-fid's Inception (kept in
 * {@code OUT/features/<model>.safetensors}, see {@link FeatureCache}). Per model: {@code fid}
 * (pytorch-fid's Fréchet distance to the reference features; no interval), {@code kid} (clean-fid's
 * estimator, 100 seeded subsets of up to 1000; its subset std is not an interval either) and the mean
 * {@code clip_score}. With fewer images than the 2048 feature dimensions both covariances are singular
 * and FID is a poor estimate: compare models at equal N only; the paper-like number needs thousands.
 */
public final class CocoExperiment implements Experiment {
  public static final String NAME = "coco";
  static final String DEFAULT_PROMPTS = "coco_3k.csv";
  static final long KID_SEED = 0;

  private final PromptSet prompts;
  private final GenerationSettings generation;
  private final ClipScorer clip;
  private final FidJudge fid;
  private final Path reference;
  private final FeatureCache features;
  /** pool3 of the images scored by this process: model -> row -> [2048]. */
  private final Map<String, Map<Integer, float[]>> fresh = new LinkedHashMap<>();

  /** @param out the evaluation folder (its features/ holds the per-model features) */
  public CocoExperiment(EvalOptions opts, Path out) {
    this.prompts = PromptSet.open(opts.prompts() != null ? opts.prompts() : DEFAULT_PROMPTS);
    this.clip = EvalOptions.clipScorer(opts.clip(), NAME);
    this.fid = new FidJudge(opts.fidModel(), NAME);
    this.reference = EvalOptions.require(opts.fidReference(), "--fid-reference", NAME,
        "reference images: a folder, or a features file from score fid-features");
    if (!Files.exists(reference)) throw new UserError("--fid-reference " + reference + ": no such folder or file");
    this.generation = opts.generation(GenerationSettings.sd());
    this.features = new FeatureCache(out, fid);
    // a wrong reference fails now, not after generating
    if (!Files.isDirectory(reference)) features.reference(reference);
    else if (ImageFiles.listImages(reference).size() < 2) {
      throw new UserError("--fid-reference " + reference + ": 1 image; FID needs at least 2");
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
    m.put("clip", clip.dir().toString());
    m.put("fid_model", fid.weights().toString());
    m.put("fid_reference", reference.toString());
    m.put("kid", "clean-fid estimator, " + KernelInceptionDistance.DEFAULT_SUBSETS + " subsets of up to "
        + KernelInceptionDistance.DEFAULT_MAX_SUBSET_SIZE + ", seed " + KID_SEED);
    return m;
  }

  @Override
  public List<ImageScore> score(String model, List<PromptRow> rows, List<RgbImage> images) {
    double[] cos = clip.cosines(images, rows.stream().map(PromptRow::prompt).toList());
    float[] pool3 = fid.pool3(images); // [N, 2048]
    int d = FidInceptionV3.FEATURES;
    Map<Integer, float[]> mine = fresh.computeIfAbsent(model, k -> new LinkedHashMap<>());
    List<ImageScore> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      float[] one = new float[d];
      System.arraycopy(pool3, i * d, one, 0, d);
      mine.put(rows.get(i).index(), one);
      out.add(new ImageScore(model, rows.get(i).index(), Map.of(ArtStyleExperiment.COSINE, cos[i],
          ArtStyleExperiment.CLIP_SCORE, ClipScores.clipScore(cos[i])), Map.of()));
    }
    return out;
  }

  @Override
  public List<String> tableMetrics() {
    return List.of("fid", "kid", "clip_score");
  }

  @Override
  public List<ResultRow> summarize(List<ImageScore> scores, List<String> models, String base) {
    FeatureFile.Features ref = null;
    GaussianStats refStats = null;
    List<ResultRow> out = new ArrayList<>();
    int d = FidInceptionV3.FEATURES;
    for (String m : models) {
      List<ImageScore> mine = scores.stream().filter(s -> s.model().equals(m)).toList();
      List<Integer> rows = mine.stream().map(ImageScore::row).toList();
      double fidValue = Double.NaN;
      double kidValue = Double.NaN;
      if (rows.size() >= 2) {
        if (ref == null) {
          ref = features.reference(reference);
          refStats = GaussianStats.of(ref.values(), ref.n(), ref.d());
        }
        float[] f = features.model(m, rows, fresh.getOrDefault(m, Map.of())); // [n, 2048]
        try {
          fidValue = FrechetDistance.of(GaussianStats.of(f, rows.size(), d), refStats);
        } catch (ArithmeticException e) { // pytorch-fid's ValueError: no real square root
          throw new UserError("FID of model " + m + " against " + reference + " failed: " + e.getMessage(), e);
        }
        kidValue = KernelInceptionDistance.compute(f, rows.size(), ref.values(), ref.n(), d, KernelInceptionDistance.DEFAULT_SUBSETS,
            KernelInceptionDistance.DEFAULT_MAX_SUBSET_SIZE, KID_SEED).mean();
      }
      out.add(new ResultRow(m, NAME, "", "fid", fidValue, Double.NaN, Double.NaN, rows.size()));
      out.add(new ResultRow(m, NAME, "", "kid", kidValue, Double.NaN, Double.NaN, rows.size()));
      out.add(Bootstrap.row(m, NAME, "", "clip_score", mine.stream().mapToDouble(s -> s.values().get(ArtStyleExperiment.CLIP_SCORE)).toArray()));
    }
    return out;
  }

  @Override
  public void close() {
    clip.close();
    fid.close();
  }
}
