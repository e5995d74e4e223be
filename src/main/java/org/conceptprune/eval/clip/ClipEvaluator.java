package org.conceptprune.eval.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.conceptprune.eval.image.ClipImageProcessor;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.io.checkpoint.ConfigNode;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.model.clip.ClipModel;
import org.conceptprune.model.clip.ClipTextConfig;
import org.conceptprune.model.clip.ClipTokenizer;
import org.conceptprune.model.clip.ClipVisionConfig;
import org.conceptprune.nn.WeightLoader;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.UserError;

/**
 * A transformers {@code CLIPModel} folder ready to score: config.json, model.safetensors (or a sharded
 * index), preprocessor_config.json and the tokenizer files (vocab.json, merges.txt,
 * tokenizer_config.json). Features are transformers' {@code get_image_features} /
 * {@code get_text_features}: projected, not normalised.
 */
public final class ClipEvaluator implements AutoCloseable {
  /** The image preprocessing settings' file name in a transformers model folder. */
  public static final String PREPROCESSOR = "preprocessor_config.json";
  /** Images or prompts per forward pass. */
  public static final int BATCH = 16;
  /** The default zero-shot prompt; {} is replaced by the class name. */
  public static final String DEFAULT_TEMPLATE = "a photo of the {}";

  private final Path dir;
  private final NDManager manager;
  private final ClipModel model;
  private final ClipTokenizer tokenizer;
  private final ClipImageProcessor processor;

  /** Zero-shot result: the prompts, probabilities [N][K] and the argmax class per image. */
  public record ZeroShot(List<String> prompts, double[][] probs, int[] predicted) {}

  private ClipEvaluator(Path dir, NDManager manager, ClipModel model, ClipTokenizer tokenizer, ClipImageProcessor processor) {
    this.dir = dir;
    this.manager = manager;
    this.model = model;
    this.tokenizer = tokenizer;
    this.processor = processor;
  }

  /** Loads and checks a CLIPModel folder (every file before the weights). */
  public static ClipEvaluator load(Path dir) {
    if (!Files.isDirectory(dir)) throw new UserError(dir + ": no such model folder");
    Path cfg = dir.resolve("config.json");
    if (!Files.isRegularFile(cfg)) {
      throw new UserError(dir + ": no config.json; expected a transformers CLIPModel folder (config.json,"
          + " model.safetensors, preprocessor_config.json, vocab.json, merges.txt)");
    }
    requireClipModel(ConfigNode.read(cfg));
    ClipImageProcessor processor = readProcessor(dir);
    ClipTokenizer tokenizer = ClipTokenizer.load(dir);
    ClipModel model = new ClipModel(ClipTextConfig.read(cfg), ClipVisionConfig.read(cfg));
    int s = model.vision.config.imageSize();
    if (processor.doCenterCrop() && (processor.cropWidth() != s || processor.cropHeight() != s)) {
      throw new UserError(dir.resolve(PREPROCESSOR) + ": crop_size " + processor.cropWidth() + "x" + processor.cropHeight()
          + " does not match the model's image_size " + s + " (config.json vision_config)");
    }
    NDManager m = TorchRuntime.newManager();
    try (TensorSource w = ShardedSafetensors.open(dir)) {
      WeightLoader.load("clip", model, w, m, ClipModel::isBuffer, TorchRuntime.computeType());
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    return new ClipEvaluator(dir, m, model, tokenizer, processor);
  }

  /** preprocessor_config.json, which must be a CLIP image processor's. */
  static ClipImageProcessor readProcessor(Path dir) {
    Path file = dir.resolve(PREPROCESSOR);
    if (!Files.isRegularFile(file)) {
      throw new UserError(dir + ": no " + PREPROCESSOR + " (CLIP's image preprocessing settings; it comes with the"
          + " model on the Hugging Face hub, e.g. openai/clip-vit-large-patch14)");
    }
    ConfigNode c = ConfigNode.read(file);
    String type = c.optString("image_processor_type", c.optString("feature_extractor_type", "CLIPImageProcessor"));
    if (!type.startsWith("CLIP")) {
      throw new UserError(file + ": image_processor_type '" + type + "' is not CLIP's (CLIPImageProcessor)");
    }
    return ClipImageProcessor.read(file);
  }

  /** model_type "clip" (or architectures naming CLIPModel) with both towers' configs. */
  static void requireClipModel(ConfigNode c) {
    String type = c.optString("model_type", "");
    boolean named = type.equals("clip")
        || (c.has("architectures") && c.reqStrings("architectures").contains("CLIPModel"));
    if (!named || !c.has("text_config") || !c.has("vision_config")) {
      throw new UserError(c.file() + ": not a CLIPModel config (model_type '" + type + "'"
          + (c.has("text_config") ? "" : ", no text_config") + (c.has("vision_config") ? "" : ", no vision_config")
          + "); score clip needs a transformers CLIPModel folder such as openai/clip-vit-large-patch14");
    }
  }

  /** P: the width of the embeddings. */
  public int projectionDim() {
    return model.vision.config.projectionDim();
  }

  /** S: the side of the square pictures the vision tower takes. */
  public int imageSize() {
    return model.vision.config.imageSize();
  }

  /** exp(logit_scale) (100 for OpenAI's CLIP). */
  public double logitScale() {
    return model.logitScaleExp();
  }

  /** The pixel values [N, 3, S, S] of the pictures (CLIPImageProcessor). */
  public float[] pixelValues(List<RgbImage> images) {
    int per = 3 * imageSize() * imageSize();
    float[] out = new float[Math.multiplyExact(images.size(), per)];
    for (int i = 0; i < images.size(); i++) System.arraycopy(pixelValues(images.get(i)), 0, out, i * per, per);
    return out;
  }

  /** The pixel values [3, S, S] of one picture (CLIPImageProcessor). */
  public float[] pixelValues(RgbImage image) {
    int s = imageSize();
    float[] p = processor.apply(image);
    if (p.length != 3 * s * s) {
      throw new UserError(dir.resolve(PREPROCESSOR) + ": a " + image.width() + "x" + image.height() + " picture becomes "
          + p.length / 3 + " pixels, not " + s + "x" + s + " (the model's image_size); set do_center_crop with that crop_size");
    }
    return p;
  }

  /** get_image_features of pixel values [N, 3, S, S]: [N, P]. */
  public float[] imageEmbeds(float[] pixelValues) {
    int s = model.vision.config.imageSize();
    int per = 3 * s * s;
    int n = pixelValues.length / per;
    int p = projectionDim();
    float[] out = new float[n * p];
    for (int b0 = 0; b0 < n; b0 += BATCH) {
      int b = Math.min(BATCH, n - b0);
      try (NDManager bm = manager.newSubManager()) {
        NDArray x = bm.create(Arrays.copyOfRange(pixelValues, b0 * per, (b0 + b) * per), new Shape(b, 3, s, s))
            .toType(TorchRuntime.computeType(), false);
        float[] e = model.imageFeatures(x).toType(DataType.FLOAT32, false).toFloatArray();
        System.arraycopy(e, 0, out, b0 * p, b * p);
      }
    }
    return out;
  }

  /** Whether the tokenizer cuts this prompt at 77 tokens (transformers does so silently). */
  public boolean truncated(String prompt) {
    return tokenizer.encode(prompt).truncated();
  }

  /**
   * get_text_features of the prompts, tokenised as {@code CLIPTokenizer(padding="max_length", truncation=True)}:
   * [N, P]. The attention mask is passed, though under the causal mask it cannot change the pooled token.
   */
  public float[] textEmbeds(List<String> prompts) {
    int t = tokenizer.maxLength();
    int n = prompts.size();
    int p = projectionDim();
    float[] out = new float[n * p];
    for (int b0 = 0; b0 < n; b0 += BATCH) {
      int b = Math.min(BATCH, n - b0);
      long[] ids = new long[b * t];
      long[] mask = new long[b * t];
      for (int i = 0; i < b; i++) {
        ClipTokenizer.Encoding e = tokenizer.encode(prompts.get(b0 + i));
        System.arraycopy(e.ids(), 0, ids, i * t, t);
        Arrays.fill(mask, i * t, i * t + Math.min(t, e.tokens().size()), 1L);
      }
      try (NDManager bm = manager.newSubManager()) {
        float[] e = model.textFeatures(bm.create(ids, new Shape(b, t)), mask).toType(DataType.FLOAT32, false).toFloatArray();
        System.arraycopy(e, 0, out, b0 * p, b * p);
      }
    }
    return out;
  }

  /** Zero-shot classification of the pictures among the classes, each written into the template. */
  public ZeroShot zeroShot(List<RgbImage> images, List<String> classNames, String template) {
    List<String> prompts = prompts(classNames, template);
    return zeroShot(imageEmbeds(pixelValues(images)), textEmbeds(prompts), projectionDim(), logitScale(), prompts);
  }

  /** The class prompts: {@code template} with {} replaced by each name. */
  public static List<String> prompts(List<String> classNames, String template) {
    if (!template.contains("{}")) throw new UserError("zero-shot template '" + template + "' has no {} for the class name");
    if (classNames.isEmpty()) throw new UserError("zero-shot needs at least one class name");
    List<String> out = new ArrayList<>();
    for (String c : classNames) out.add(template.replace("{}", c));
    return out;
  }

  /**
   * probs[i] = softmax_j(s cos(image i, class j)) (CLIPModel's logits_per_image.softmax(-1)),
   * predicted[i] = argmax_j.
   *
   * @param imageEmbeds [N, D]; @param classEmbeds [K, D]; @param scale exp(logit_scale)
   */
  public static ZeroShot zeroShot(float[] imageEmbeds, float[] classEmbeds, int d, double scale, List<String> prompts) {
    double[][] logits = ClipScores.logitsPerImage(imageEmbeds, classEmbeds, d, scale);
    double[][] probs = new double[logits.length][];
    int[] pred = new int[logits.length];
    for (int i = 0; i < logits.length; i++) {
      probs[i] = ClipScores.softmax(logits[i]);
      pred[i] = ClipScores.argmax(logits[i]);
    }
    return new ZeroShot(prompts, probs, pred);
  }

  @Override
  public void close() {
    manager.close();
  }

  /**
   * Reads, preprocesses and embeds image files a batch at a time: image_embeds [N, P]; the pixel
   * values [N, 3, S, S] are copied into {@code pixels} when it is not null.
   */
  public float[] embedImages(List<Path> images, float[] pixels) {
    int n = images.size();
    int s = imageSize();
    int per = 3 * s * s;
    int d = projectionDim();
    float[] embeds = new float[n * d];
    for (int b0 = 0; b0 < n; b0 += BATCH) {
      int b = Math.min(BATCH, n - b0);
      float[] batch = new float[b * per];
      for (int i = 0; i < b; i++) {
        System.arraycopy(pixelValues(RgbImage.read(images.get(b0 + i))), 0, batch, i * per, per);
      }
      if (pixels != null) System.arraycopy(batch, 0, pixels, b0 * per, b * per);
      System.arraycopy(imageEmbeds(batch), 0, embeds, b0 * d, b * d);
    }
    return embeds;
  }

  /** N * 3 * S * S, which must fit one Java array (and one safetensors buffer). */
  public static int pixelFloats(int n, int s) {
    long f = (long) n * 3 * s * s;
    if (f > Integer.MAX_VALUE - 8) {
      throw new UserError(n + " images make " + (f * 4 >> 30) + " GiB of pixel_values; pass --no-pixel-values");
    }
    return (int) f;
  }
}
