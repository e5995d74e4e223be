package org.conceptprune.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.SplittableRandom;
import org.conceptprune.eval.image.ImageNetTransforms;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.runtime.TorchRuntime;

/**
 * Micro-benchmark (not a unit test): seconds per 224x224 picture of the ResNet-50 forward pass with
 * procedural weights. Run:
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.conceptprune.eval.ResNet50Bench THREADS BATCH REPS}
 */
public final class ResNet50Bench {
  private ResNet50Bench() {}

  /** Decode + PIL resize + crop + normalise of the four fixture PNGs, ms per picture. */
  static void preprocessing() {
    java.util.List<java.nio.file.Path> files = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) files.add(org.conceptprune.Fixtures.path("fixtures/eval/images/img" + i + ".png"));
    double best = Double.MAX_VALUE;
    for (int rep = 0; rep < 10; rep++) {
      long t0 = System.nanoTime();
      for (java.nio.file.Path f : files) ImageNetTransforms.apply(RgbImage.read(f));
      best = Math.min(best, (System.nanoTime() - t0) / 1e6 / files.size());
    }
    System.out.printf(Locale.ROOT, "preprocessing (read + IMAGENET1K_V2 transform): %.1f ms/picture best of 10%n", best);
  }

  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    TorchRuntime.setThreads(threads);
    preprocessing();
    float[] x = new float[batch * 3 * 224 * 224];
    SplittableRandom r = new SplittableRandom(0);
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    try (NDManager m = TorchRuntime.newManager(); TensorSource w = ProceduralSource.of(new ResNet50(1000), 1)) {
      long l0 = System.nanoTime();
      ResNet50 net = ResNet50.load(w, m, DataType.FLOAT32);
      double load = (System.nanoTime() - l0) / 1e9;
      double best = Double.MAX_VALUE;
      double sum = 0;
      for (int i = 0; i <= reps; i++) { // the first run warms up and is not counted
        try (NDManager bm = m.newSubManager()) {
          long t0 = System.nanoTime();
          net.forward(bm.create(x, new Shape(batch, 3, 224, 224))).toFloatArray();
          double s = (System.nanoTime() - t0) / 1e9 / batch;
          if (i > 0) {
            best = Math.min(best, s);
            sum += s;
          }
        }
      }
      System.out.printf(Locale.ROOT, "resnet50 224px threads=%d batch=%d: %.3f s/picture mean, %.3f best (%d reps); "
          + "procedural weights built+loaded in %.2f s; %s%n", threads, batch, sum / reps, best, reps, load, TorchRuntime.describe());
    }
  }
}
