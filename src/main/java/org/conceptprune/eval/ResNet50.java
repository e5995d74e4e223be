package org.conceptprune.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.eval.image.ImageNetTransforms;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.nn.BatchNorm2d;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.nn.Scope;
import org.conceptprune.nn.WeightLoader;
import org.conceptprune.util.UserError;

/**
 * torchvision's {@code resnet50()} (ResNet v1.5) in eval mode, its modules named as its state dict:
 * <pre>
 *   conv1 7x7/2 (3 -> 64), bn1, relu, max pool 3x3/2 pad 1          [N, 64, H/4, W/4]
 *   layer1..layer4: 3, 4, 6, 3 {@link Bottleneck}s of width 64, 128, 256, 512;
 *                   the first block of layer2..4 has stride 2          [N, 2048, H/32, W/32]
 *   adaptive average pool to 1x1, flatten, fc (2048 -> classes)        [N, classes]
 * </pre>
 */
public final class ResNet50 extends Module {
  static final int[] BLOCKS = {3, 4, 6, 3};
  public static final int FEATURES = 512 * Bottleneck.EXPANSION;

  private final Conv2d conv1;
  private final BatchNorm2d bn1;
  private final List<Bottleneck> blocks = new ArrayList<>();
  private final Linear fc;
  private final int classes;

  public ResNet50(int classes) {
    this.classes = classes;
    conv1 = child("conv1", new Conv2d(3, 64, 7, 2, 3, false));
    bn1 = child("bn1", new BatchNorm2d(64, Bottleneck.BN_EPS));
    int in = 64;
    for (int stage = 0; stage < BLOCKS.length; stage++) {
      int width = 64 << stage;
      for (int j = 0; j < BLOCKS[stage]; j++) {
        int stride = stage > 0 && j == 0 ? 2 : 1;
        blocks.add(child("layer" + (stage + 1) + "." + j, new Bottleneck(in, width, stride)));
        in = width * Bottleneck.EXPANSION;
      }
    }
    fc = child("fc", new Linear(FEATURES, classes, true));
  }

  public int classes() {
    return classes;
  }

  /** Logits of normalised pictures: [N, 3, H, W] -> [N, classes]. */
  public NDArray forward(NDArray x) {
    return Scope.run(x, () -> {
      NDArray h = Activation.relu(bn1.forward(conv1.forward(x))); // [N, 64, H/2, W/2]
      h = Pool.maxPool2d(h, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false); // [N, 64, H/4, W/4]
      for (Bottleneck b : blocks) {
        NDArray next = b.forward(h);
        Ops.close(h);
        h = next;
      }
      // torchvision: AdaptiveAvgPool2d((1, 1)) then flatten
      NDArray pooled = Pool.globalAvgPool2d(h).reshape(h.getShape().get(0), FEATURES); // [N, 2048]
      return fc.forward(pooled);
    });
  }

  /**
   * A ResNet-50 bound to a torchvision state dict (safetensors, or a converted .pth); the number of
   * classes is read from {@code fc.weight}. A checkpoint of another kind of model is refused in one
   * line that names a few of the tensors it lacks.
   */
  public static ResNet50 load(TensorSource src, NDManager manager, DataType computeType) {
    TensorInfo fcWeight = src.tensors().get("fc.weight");
    int classes = fcWeight != null && fcWeight.shape().length == 2 ? Math.toIntExact(fcWeight.shape()[0]) : 1000;
    ResNet50 model = new ResNet50(classes);
    requireKind(model, src);
    WeightLoader.load("resnet50", model, src, manager, BatchNorm2d::isCounter, computeType);
    return model;
  }

  /** Refuses, in one line, a checkpoint that lacks most of the model (a CLIP, a UNet, ...). */
  static void requireKind(Module model, TensorSource src) {
    List<String> missing = new ArrayList<>();
    for (String k : model.parameters().keySet()) if (!src.tensors().containsKey(k)) missing.add(k);
    int total = model.parameters().size();
    if (missing.size() * 2 < total && src.tensors().containsKey("conv1.weight")) return; // details from WeightLoader
    List<String> held = new ArrayList<>(src.names());
    throw new UserError(src.describe() + ": not a torchvision ResNet-50 state dict: " + missing.size() + " of "
        + total + " tensors missing (" + String.join(", ", missing.subList(0, Math.min(4, missing.size())))
        + ", ...); it holds " + held.size() + " tensors"
        + (held.isEmpty() ? "" : " such as " + String.join(", ", held.subList(0, Math.min(3, held.size())))));
  }

  /**
   * Logits [N, classes] of N preprocessed pictures ({@code pixels} [N, 3, 224, 224]), {@code batch}
   * pictures per forward pass, each pass in its own sub-manager of {@code m}.
   */
  public float[] logits(float[] pixels, int n, int batch, NDManager m) {
    int per = 3 * ImageNetTransforms.CROP * ImageNetTransforms.CROP;
    float[] logits = new float[n * classes()];
    for (int b0 = 0; b0 < n; b0 += batch) {
      int b = Math.min(batch, n - b0);
      float[] chunk = new float[b * per];
      System.arraycopy(pixels, b0 * per, chunk, 0, chunk.length);
      try (NDManager bm = m.newSubManager()) {
        float[] l = forward(bm.create(chunk, new Shape(b, 3, ImageNetTransforms.CROP, ImageNetTransforms.CROP)))
            .toType(DataType.FLOAT32, false).toFloatArray();
        System.arraycopy(l, 0, logits, b0 * classes(), l.length);
      }
    }
    return logits;
  }
}
