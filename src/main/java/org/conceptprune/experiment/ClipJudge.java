package org.conceptprune.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conceptprune.eval.clip.ClipEvaluator;
import org.conceptprune.eval.clip.ClipScores;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.util.UserError;

/**
 * The CLIP model of a recipe, loaded on first use (generation never waits for it): the cosine of
 * each image with its own prompt, and zero-shot labels.
 *
 * <p>Every image and prompt is embedded alone (batch 1): libtorch's kernels round differently for
 * other batch sizes, so a batched score would depend on which images a shard, a resumed run or a
 * merge happened to score together. One forward pass per image costs little beside the many
 * denoising steps that made it.
 */
final class ClipJudge implements AutoCloseable {
  private final Path dir;
  private ClipEvaluator clip;

  /** Checks the folder exists now, so a typo fails before any image is generated. */
  ClipJudge(Path dir, String experiment) {
    EvalOptions.require(dir, "--clip", experiment, "a transformers CLIPModel folder, e.g. openai/clip-vit-large-patch14");
    if (!Files.isDirectory(dir)) throw new UserError("--clip " + dir + ": no such model folder");
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  ClipEvaluator get() {
    if (clip == null) clip = ClipEvaluator.load(dir);
    return clip;
  }

  /** cos(image i, prompt i): [N]. The CLIP score of a pair is {@link ClipScores#clipScore} of it. */
  double[] cosines(List<RgbImage> images, List<String> prompts) {
    double[] cos = new double[images.size()];
    for (int i = 0; i < cos.length; i++) cos[i] = ClipScores.cosine(imageEmbeds(images.get(i)), textEmbeds(prompts.get(i)));
    return cos;
  }

  /** get_image_features of one picture: [P]. */
  float[] imageEmbeds(RgbImage image) {
    ClipEvaluator c = get();
    return c.imageEmbeds(c.pixelValues(List.of(image)));
  }

  /** get_text_features of one prompt: [P]. */
  float[] textEmbeds(String prompt) {
    return get().textEmbeds(List.of(prompt));
  }

  /** Zero-shot among whole class prompts (e.g. "a photo of a man"): the evaluator's result. */
  ClipEvaluator.ZeroShot zeroShot(List<RgbImage> images, List<String> classPrompts) {
    ClipEvaluator c = get();
    int p = c.projectionDim();
    float[] img = new float[images.size() * p]; // [N, P]
    for (int i = 0; i < images.size(); i++) System.arraycopy(imageEmbeds(images.get(i)), 0, img, i * p, p);
    float[] cls = new float[classPrompts.size() * p]; // [K, P]
    for (int k = 0; k < classPrompts.size(); k++) System.arraycopy(textEmbeds(classPrompts.get(k)), 0, cls, k * p, p);
    return ClipEvaluator.zeroShot(img, cls, p, c.logitScale(), classPrompts);
  }

  @Override
  public void close() {
    if (clip != null) clip.close();
    clip = null;
  }
}
