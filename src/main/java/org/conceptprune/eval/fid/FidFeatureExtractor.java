package org.conceptprune.eval.fid;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.conceptprune.util.Progress;

/**
 * Runs the FID Inception over an image set in batches and collects pool3 [N, 2048].
 *
 * <p>pytorch-fid stacks each batch into one tensor, so images of different sizes in one batch make it
 * fail. Here a batch holds consecutive images of one size (a size change starts a new batch): the
 * network resizes every image to 299 x 299 on its own, so the features are the same as one image at a time.
 */
public final class FidFeatureExtractor {
  /** @param pool3 [n, 2048] row-major @param imageSetSha256 over each image's size and float32 values */
  public record Features(float[] pool3, int n, String imageSetSha256) {}

  private final FidInceptionV3 model;
  private final NDManager manager;
  private final int batchSize;

  public FidFeatureExtractor(FidInceptionV3 model, NDManager manager, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1");
    this.model = model;
    this.manager = manager;
    this.batchSize = batchSize;
  }

  /** @param progress advanced by one per image, or null */
  public Features run(ImageSet images, Progress progress) {
    int n = images.size();
    int d = FidInceptionV3.FEATURES;
    float[] out = new float[n * d];
    MessageDigest md = FidWeights.sha256();
    List<ImageSet.UnitImage> batch = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < n; i++) {
      ImageSet.UnitImage img = images.get(i);
      ImageSet.hash(md, img);
      if (!batch.isEmpty() && (batch.size() == batchSize || !sameSize(batch.get(0), img))) {
        runBatch(batch, out, start, progress);
        start += batch.size();
        batch.clear();
      }
      batch.add(img);
    }
    if (!batch.isEmpty()) runBatch(batch, out, start, progress);
    return new Features(out, n, HexFormat.of().formatHex(md.digest()));
  }

  private void runBatch(List<ImageSet.UnitImage> batch, float[] out, int start, Progress progress) {
    int b = batch.size();
    int h = batch.get(0).height();
    int w = batch.get(0).width();
    int per = h * w * 3;
    float[] nhwc = new float[b * per];
    for (int i = 0; i < b; i++) System.arraycopy(batch.get(i).hwc(), 0, nhwc, i * per, per);
    try (NDManager sub = manager.newSubManager()) {
      NDArray x = sub.create(nhwc, new Shape(b, h, w, 3)).transpose(0, 3, 1, 2); // [B, 3, H, W]
      float[] f = model.pool3(x).toFloatArray(); // [B, 2048]
      System.arraycopy(f, 0, out, start * FidInceptionV3.FEATURES, f.length);
    }
    if (progress != null) progress.advance(b);
  }

  private static boolean sameSize(ImageSet.UnitImage a, ImageSet.UnitImage b) {
    return a.height() == b.height() && a.width() == b.width();
  }
}
