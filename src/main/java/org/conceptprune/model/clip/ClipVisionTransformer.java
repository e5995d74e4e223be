package org.conceptprune.model.clip;

import java.util.ArrayList;
import java.util.List;
import org.conceptprune.nn.LayerNorm;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Parameter;

/**
 * The {@code vision_model.*} subtree: patch and position embeddings, {@code pre_layrnorm} (transformers'
 * spelling, kept because it is the checkpoint key), encoder layers, {@code post_layernorm}.
 */
final class ClipVisionTransformer extends Module {
  final Parameter classEmbedding; // [D]
  final Parameter patchEmbedding; // [D, C, P, P], no bias
  final Parameter positionEmbedding; // [grid^2 + 1, D]
  final LayerNorm preLayerNorm;
  final List<ClipEncoderLayer> layers = new ArrayList<>();
  final LayerNorm postLayerNorm;

  ClipVisionTransformer(ClipVisionConfig c) {
    int d = c.hiddenSize();
    float eps = (float) c.layerNormEps();
    classEmbedding = param("embeddings.class_embedding", d);
    patchEmbedding = param("embeddings.patch_embedding.weight", d, c.numChannels(), c.patchSize(), c.patchSize());
    positionEmbedding = param("embeddings.position_embedding.weight", c.numPositions(), d);
    preLayerNorm = child("pre_layrnorm", new LayerNorm(d, eps));
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      layers.add(child("encoder.layers." + i, new ClipEncoderLayer(c)));
    }
    postLayerNorm = child("post_layernorm", new LayerNorm(d, eps));
  }
}
