package org.conceptprune.eval.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.conceptprune.nn.LayerNorm;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.util.UserError;

/**
 * transformers' {@code ViTForImageClassification} (keys {@code vit.*}, {@code classifier.*}):
 * <pre>
 *   x      = vit.embeddings(pixels)                    [B, 1 + g^2, D]
 *   h      = vit.encoder.layer.0..L-1(x)               pre-norm layers
 *   logits = classifier(vit.layernorm(h)[:, 0])        the [CLS] token only, no pooler   [B, K]
 * </pre>
 */
public final class ViTForImageClassification extends Module {
  public final ViTConfig config;
  private final ViTEmbeddings embeddings;
  private final List<ViTLayer> layers = new ArrayList<>();
  private final LayerNorm layernorm;
  private final Linear classifier;

  public ViTForImageClassification(ViTConfig c) {
    config = c;
    embeddings = child("vit.embeddings", new ViTEmbeddings(c));
    for (int i = 0; i < c.numHiddenLayers(); i++) layers.add(child("vit.encoder.layer." + i, new ViTLayer(c)));
    layernorm = child("vit.layernorm", new LayerNorm(c.hiddenSize(), (float) c.layerNormEps()));
    classifier = child("classifier", new Linear(c.hiddenSize(), c.labels().size(), true));
  }

  /** @param pixels [B, C, S, S] @return logits [B, K] */
  public NDArray forward(NDArray pixels) {
    long[] s = pixels.getShape().getShape();
    if (s.length != 4 || s[1] != config.numChannels() || s[2] != config.imageSize() || s[3] != config.imageSize()) {
      throw new UserError("ViT: pixel_values should be [B, " + config.numChannels() + ", " + config.imageSize() + ", "
          + config.imageSize() + "], found " + Arrays.toString(s));
    }
    NDArray x = embeddings.forward(pixels);
    for (ViTLayer layer : layers) {
      NDArray next = layer.forward(x);
      Ops.release(x);
      x = next;
    }
    NDArray cls = layernorm.forward(x.get(new NDIndex(":, 0"))); // [B, D]
    return classifier.forward(cls);
  }
}
