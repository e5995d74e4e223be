package org.conceptprune.experiment;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conceptprune.eval.fid.FidFeatureExtractor;
import org.conceptprune.eval.fid.FidInceptionV3;
import org.conceptprune.eval.fid.FidWeights;
import org.conceptprune.eval.fid.ImageSet;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.UserError;

/** pytorch-fid's FID Inception-v3 of a recipe, loaded on first use, with the content hash of its weights. */
final class FidJudge implements AutoCloseable {
  /** Images per forward pass for reference sets: {@code score fid-features}' default, so both give the same features. */
  static final int REFERENCE_BATCH = 16;

  private final Path weights;
  private NDManager manager;
  private FidInceptionV3 net;
  private String hash;

  /** Checks the file exists now, so a typo fails before any image is generated. */
  FidJudge(Path weights, String experiment) {
    EvalOptions.require(weights, "--fid-model", experiment, "pytorch-fid's Inception weights, .pth or .safetensors");
    if (!Files.isRegularFile(weights)) throw new UserError("--fid-model " + weights + ": no such file");
    this.weights = weights;
  }

  Path weights() {
    return weights;
  }

  private void load() {
    if (net != null) return;
    NDManager m = TorchRuntime.newManager();
    try (TensorSource src = FidWeights.open(weights)) {
      net = FidInceptionV3.load(src, m);
      if (hash == null) hash = FidWeights.contentHash(src);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
    manager = m;
  }

  /** SHA-256 of the weights the network uses (FidWeights.contentHash): names every feature file. Reads, does not build. */
  String modelHash() {
    if (hash == null) {
      try (TensorSource src = FidWeights.open(weights)) {
        hash = FidWeights.contentHash(src);
      }
    }
    return hash;
  }

  /**
   * pool3 of each picture alone (batch 1: libtorch rounds other batch sizes differently, and a
   * picture's features must not depend on which others a shard or a resumed run scored with it): [N, 2048].
   */
  float[] pool3(List<RgbImage> images) {
    load();
    int d = FidInceptionV3.FEATURES;
    float[] out = new float[images.size() * d];
    FidFeatureExtractor one = new FidFeatureExtractor(net, manager, 1);
    for (int i = 0; i < images.size(); i++) {
      RgbImage img = images.get(i);
      ImageSet set = new ImageSet() {
        @Override
        public int size() {
          return 1;
        }

        @Override
        public UnitImage get(int k) {
          return new UnitImage(img.height(), img.width(), img.toUnitFloats());
        }

        @Override
        public String describe() {
          return "1 image";
        }
      };
      System.arraycopy(one.run(set, null).pool3(), 0, out, i * d, d);
    }
    return out;
  }

  /** pool3 of image files as {@code score fid-features} computes them (batches of 16). */
  FidFeatureExtractor.Features pool3(ImageSet files) {
    load();
    return new FidFeatureExtractor(net, manager, REFERENCE_BATCH).run(files, null);
  }

  @Override
  public void close() {
    if (manager != null) manager.close();
    manager = null;
    net = null;
  }
}
