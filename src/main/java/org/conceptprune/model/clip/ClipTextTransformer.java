package org.conceptprune.model.clip;

import java.util.ArrayList;
import java.util.List;
import org.conceptprune.nn.LayerNorm;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Parameter;

/** The {@code text_model.*} subtree: embeddings, encoder layers, final layer norm. */
final class ClipTextTransformer extends Module {
  final Parameter tokenEmbedding;
  final Parameter positionEmbedding;
  final List<ClipEncoderLayer> layers = new ArrayList<>();
  final LayerNorm finalNorm;

  ClipTextTransformer(ClipTextConfig c) {
    tokenEmbedding = param("embeddings.token_embedding.weight", c.vocabSize(), c.hiddenSize());
    positionEmbedding = param("embeddings.position_embedding.weight", c.maxPositionEmbeddings(), c.hiddenSize());
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      layers.add(child("encoder.layers." + i, new ClipEncoderLayer(c)));
    }
    finalNorm = child("final_layer_norm", new LayerNorm(c.hiddenSize(), (float) c.layerNormEps()));
  }
}
