package org.conceptprune.eval;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.conceptprune.eval.image.ImageNetTransforms;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.UserError;

/**
 * torchvision's ResNet-50 as an evaluator, for {@code score classify}, the object experiment and the
 * classify judge: the weights loaded, pictures preprocessed as {@code ResNet50_Weights.IMAGENET1K_V2}
 * ({@link ImageNetTransforms}), logits [N, classes] and their ranking ({@link Logits}).
 *
 * <p>The caller picks the batch: libtorch rounds differently for other batch sizes, so a picture's
 * logits depend, in their last bits, on the batch it ran in.
 */
public final class ImageNetScorer implements AutoCloseable {
  /** The preprocessing, as result files name it. */
  public static final String PREPROCESS = "ResNet50_Weights.IMAGENET1K_V2: PIL Resize(232, bilinear), CenterCrop(224), Normalize";
  private static final int PIXELS = 3 * ImageNetTransforms.CROP * ImageNetTransforms.CROP;

  private final NDManager manager;
  private final ResNet50 net;

  private ImageNetScorer(NDManager manager, ResNet50 net) {
    this.manager = manager;
    this.net = net;
  }

  /** The network of a torchvision resnet50 state dict (any number of classes). */
  public static ImageNetScorer load(TensorSource weights) {
    NDManager m = TorchRuntime.newManager();
    try {
      return new ImageNetScorer(m, ResNet50.load(weights, m, TorchRuntime.computeType()));
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** As {@link #load(TensorSource)} from a file or folder ({@link WeightFiles}). */
  public static ImageNetScorer open(Path weights) {
    try (TensorSource src = WeightFiles.open(weights)) {
      return load(src);
    }
  }

  /**
   * A cheap look at the header, so wrong weights fail before hours of generation (the full check is
   * at load): {@code fc.weight} [1000, 2048] and a {@code conv1.weight}. Closes {@code w} when it fails.
   */
  public static void requireImageNet(TensorSource w, Path file) {
    TensorInfo fc = w.tensors().get("fc.weight");
    long[] want = {ImageNetClasses.COUNT, ResNet50.FEATURES};
    if (fc == null || !Arrays.equals(fc.shape(), want) || !w.tensors().containsKey("conv1.weight")) {
      w.close();
      throw new UserError(file + ": not a torchvision ResNet-50 ImageNet-1k state dict (fc.weight "
          + (fc == null ? "missing" : Arrays.toString(fc.shape())) + ", expected " + Arrays.toString(want)
          + (w.tensors().containsKey("conv1.weight") ? "" : ", no conv1.weight") + ")");
    }
  }

  public int classes() {
    return net.classes();
  }

  /** The name of each class: torchvision's ImageNet names for a 1,000-class network, else null. */
  public List<String> names() {
    return classes() == ImageNetClasses.COUNT ? ImageNetClasses.names() : null;
  }

  /** Logits of pictures, {@code batch} per forward pass (each batch preprocessed when it runs). */
  public Logits logits(List<RgbImage> images, int batch) {
    int n = images.size();
    float[] out = new float[n * classes()];
    for (int b0 = 0; b0 < n; b0 += batch) {
      int b = Math.min(batch, n - b0);
      float[] pixels = new float[b * PIXELS]; // [b, 3, 224, 224]
      for (int i = 0; i < b; i++) System.arraycopy(ImageNetTransforms.apply(images.get(b0 + i)), 0, pixels, i * PIXELS, PIXELS);
      System.arraycopy(net.logits(pixels, b, b, manager), 0, out, b0 * classes(), b * classes());
    }
    return new Logits(out, classes());
  }

  /** Logits of preprocessed pictures ({@code pixels} [N, 3, 224, 224]), {@code batch} per forward pass. */
  public Logits logits(float[] pixels, int n, int batch) {
    return new Logits(net.logits(pixels, n, batch, manager), classes());
  }

  /** Logits [N, classes] of N pictures and what is read from them. */
  public record Logits(float[] values, int classes) {
    /** Picture i's logits: [classes]. */
    public float[] row(int i) {
      return Arrays.copyOfRange(values, i * classes, (i + 1) * classes);
    }

    /** Picture i's k most probable classes. */
    public List<ClassRanking.Entry> top(int i, int k) {
      return ClassRanking.top(row(i), k);
    }

    /** Picture i's most probable class (the lower index on ties). */
    public int top1(int i) {
      return top(i, 1).get(0).index();
    }

    /** The softmax probability of class {@code c} for picture i. */
    public double prob(int i, int c) {
      return ClassRanking.prob(row(i), c);
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
