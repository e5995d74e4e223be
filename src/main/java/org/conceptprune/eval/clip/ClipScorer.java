package org.conceptprune.eval.clip;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.conceptprune.eval.image.RgbImage;

/**
 * CLIP as an evaluator, for {@code score clip}, the recipes and the clip judge: a {@link ClipEvaluator}
 * (loaded now, or at its first use so that generation never waits for it) that embeds pictures and
 * texts {@code batch} at a time, and what is read from the embeddings: cos(image i, text i), whose CLIP
 * score is {@link ClipScores#clipScore}, and the zero-shot choice among class texts.
 *
 * <p>libtorch's kernels round differently for other batch sizes, so an embedding depends, in its last
 * bits, on the batch it ran in: the recipes embed every picture and text alone (batch 1), so that a
 * score does not depend on which images a shard, a resumed run or a merge scored together.
 */
public final class ClipScorer implements AutoCloseable {
  private final Path dir;
  private final int batch;
  private ClipEvaluator clip;

  private ClipScorer(Path dir, int batch) {
    if (batch < 1) throw new IllegalArgumentException("batch " + batch);
    this.dir = dir;
    this.batch = batch;
  }

  /** Loads and checks the CLIPModel folder now. @param batch pictures or texts per forward pass */
  public static ClipScorer load(Path dir, int batch) {
    ClipScorer s = new ClipScorer(dir, batch);
    s.evaluator();
    return s;
  }

  /** A scorer that loads the folder when it first embeds. */
  public static ClipScorer onFirstUse(Path dir, int batch) {
    return new ClipScorer(dir, batch);
  }

  public Path dir() {
    return dir;
  }

  /** The model, loaded on first use. */
  public ClipEvaluator evaluator() {
    if (clip == null) clip = ClipEvaluator.load(dir);
    return clip;
  }

  /** get_image_features of the pictures (CLIPImageProcessor): [N, P]. */
  public float[] imageEmbeds(List<RgbImage> images) {
    ClipEvaluator c = evaluator();
    return inBatches(images, part -> c.imageEmbeds(c.pixelValues(part)));
  }

  /** get_text_features of the texts: [N, P]. */
  public float[] textEmbeds(List<String> texts) {
    return inBatches(texts, evaluator()::textEmbeds);
  }

  /** The embeddings [N, P] of N items, {@code batch} items per call of {@code embed}. */
  private <T> float[] inBatches(List<T> items, Function<List<T>, float[]> embed) {
    int p = evaluator().projectionDim();
    float[] out = new float[items.size() * p];
    for (int b0 = 0; b0 < items.size(); b0 += batch) {
      List<T> part = items.subList(b0, Math.min(items.size(), b0 + batch));
      System.arraycopy(embed.apply(part), 0, out, b0 * p, part.size() * p);
    }
    return out;
  }

  /** Image i against text i: the texts' embeddings [N, P] and cos(image i, text i) [N]. */
  public record Paired(float[] textEmbeds, double[] cosines) {}

  /** @param imageEmbeds [N, P] from {@link #imageEmbeds} (or the evaluator, batched alike) */
  public Paired paired(float[] imageEmbeds, List<String> texts) {
    float[] t = textEmbeds(texts);
    return new Paired(t, ClipScores.pairedCosine(imageEmbeds, t, evaluator().projectionDim()));
  }

  /** cos(image i, text i): [N]. */
  public double[] cosines(List<RgbImage> images, List<String> texts) {
    return paired(imageEmbeds(images), texts).cosines();
  }

  /** Zero-shot choice of each picture among whole class texts (e.g. "a photo of a man"). */
  public ClipEvaluator.ZeroShot zeroShot(List<RgbImage> images, List<String> classTexts) {
    return zeroShot(imageEmbeds(images), classTexts);
  }

  /** As above, of image embeddings [N, P]. */
  public ClipEvaluator.ZeroShot zeroShot(float[] imageEmbeds, List<String> classTexts) {
    ClipEvaluator c = evaluator();
    return ClipEvaluator.zeroShot(imageEmbeds, textEmbeds(classTexts), c.projectionDim(), c.logitScale(), classTexts);
  }

  @Override
  public void close() {
    if (clip != null) clip.close();
    clip = null;
  }
}
