package org.conceptprune.eval.vit;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.conceptprune.eval.ClassRanking;
import org.conceptprune.eval.WeightFiles;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.eval.image.ViTImageProcessor;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.nn.WeightLoader;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.UserError;

/**
 * UnlearnDiffAtk's artist-style judge: a transformers {@code ViTForImageClassification} folder
 * (WikiArt's 129 artists, {@code results/checkpoint-2800}) run as
 * {@code pipeline("image-classification", model=DIR)}: {@link ViTImageProcessor}, the model, softmax.
 * The folder: config.json (labels from id2label), preprocessor_config.json, and model.safetensors
 * (or a sharded index) or pytorch_model.bin (read by the restricted unpickler).
 */
public final class StyleClassifier implements AutoCloseable {
  /** Pictures per forward pass. */
  public static final int BATCH = 16;

  private final Path dir;
  private final NDManager manager;
  private final ViTForImageClassification model;
  private final ViTImageProcessor processor;

  /** What to score: a model folder and pictures. */
  public record Request(Path model, List<Path> images) {}

  /** @param pixelValues [N, 3, S, S]; @param logits [N, K]; @param labels the K class names */
  public record Result(float[] pixelValues, float[] logits, List<String> labels) {
    public int count() {
      return logits.length / labels.size();
    }

    /** Picture i's logits [K]. */
    public float[] logits(int i) {
      int k = labels.size();
      return Arrays.copyOfRange(logits, i * k, (i + 1) * k);
    }

    /** Picture i's k most probable classes (the pipeline's order: score descending, ties by index). */
    public List<ClassRanking.Entry> top(int i, int k) {
      return ClassRanking.top(logits(i), Math.min(k, labels.size()));
    }
  }

  private StyleClassifier(Path dir, NDManager manager, ViTForImageClassification model, ViTImageProcessor processor) {
    this.dir = dir;
    this.manager = manager;
    this.model = model;
    this.processor = processor;
  }

  /** Loads and checks the folder (configs before the weights). */
  public static StyleClassifier load(Path dir) {
    if (!Files.isDirectory(dir)) throw new UserError(dir + ": no such model folder (a transformers ViTForImageClassification folder)");
    Path cfg = dir.resolve("config.json");
    if (!Files.isRegularFile(cfg)) throw new UserError(dir + ": no config.json; expected a transformers ViTForImageClassification folder");
    ViTConfig config = ViTConfig.read(cfg);
    Path pre = dir.resolve("preprocessor_config.json");
    if (!Files.isRegularFile(pre)) throw new UserError(dir + ": no preprocessor_config.json (the ViTImageProcessor settings)");
    ViTImageProcessor processor = ViTImageProcessor.read(pre);
    if (processor.doResize() && (processor.width() != config.imageSize() || processor.height() != config.imageSize())) {
      throw new UserError(pre + ": size " + processor.width() + "x" + processor.height() + " does not match the model's image_size " + config.imageSize());
    }
    ViTForImageClassification model = new ViTForImageClassification(config);
    NDManager m = TorchRuntime.newManager();
    try (TensorSource w = WeightFiles.open(weights(dir))) {
      WeightLoader.load("vit", model, w, m, k -> false, TorchRuntime.computeType());
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    return new StyleClassifier(dir, m, model, processor);
  }

  /** model.safetensors (or its sharded index) first, else pytorch_model.bin. */
  static Path weights(Path dir) {
    if (Files.exists(dir.resolve("model.safetensors")) || Files.exists(dir.resolve("model.safetensors.index.json"))) return dir;
    Path bin = dir.resolve("pytorch_model.bin");
    if (Files.isRegularFile(bin)) return bin;
    throw new UserError(dir + ": no weights (model.safetensors or pytorch_model.bin)");
  }

  /** One call: load, classify the request's pictures, close. */
  public static Result score(Request r) {
    try (StyleClassifier c = load(r.model())) {
      return c.classify(r.images().stream().map(RgbImage::read).toList());
    }
  }

  public Path dir() {
    return dir;
  }

  public List<String> labels() {
    return model.config.labels();
  }

  public Result classify(List<RgbImage> images) {
    int n = images.size();
    int s = model.config.imageSize();
    int per = 3 * s * s;
    int k = labels().size();
    float[] pixels = new float[Math.multiplyExact(n, per)];
    for (int i = 0; i < n; i++) System.arraycopy(processor.apply(images.get(i)), 0, pixels, i * per, per);
    float[] logits = new float[n * k];
    for (int b0 = 0; b0 < n; b0 += BATCH) {
      int b = Math.min(BATCH, n - b0);
      try (NDManager bm = manager.newSubManager()) {
        float[] y = model.forward(bm.create(Arrays.copyOfRange(pixels, b0 * per, (b0 + b) * per), new Shape(b, 3, s, s))
            .toType(TorchRuntime.computeType(), false)).toType(DataType.FLOAT32, false).toFloatArray();
        System.arraycopy(y, 0, logits, b0 * k, b * k);
      }
    }
    return new Result(pixels, logits, labels());
  }

  @Override
  public void close() {
    manager.close();
  }
}
