package org.conceptprune.eval.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.nn.Parameter;

/**
 * {@code vit.embeddings}: {@code [CLS] ; patch_embeddings.projection(pixels)} + position_embeddings
 * (no interpolation: the pictures are the configured size).
 */
final class ViTEmbeddings extends Module {
  private final ViTConfig config;
  private final Parameter clsToken; // [1, 1, D]
  private final Parameter positionEmbeddings; // [1, 1 + g^2, D]
  private final Parameter projectionWeight; // [D, C, P, P]
  private final Parameter projectionBias; // [D]

  ViTEmbeddings(ViTConfig c) {
    config = c;
    int d = c.hiddenSize();
    clsToken = param("cls_token", 1, 1, d);
    positionEmbeddings = param("position_embeddings", 1, c.numPositions(), d);
    projectionWeight = param("patch_embeddings.projection.weight", d, c.numChannels(), c.patchSize(), c.patchSize());
    projectionBias = param("patch_embeddings.projection.bias", d);
  }

  /** @param pixels [B, C, S, S] @return [B, 1 + g^2, D] */
  NDArray forward(NDArray pixels) {
    long b = pixels.getShape().get(0);
    int d = config.hiddenSize();
    Shape stride = new Shape(config.patchSize(), config.patchSize());
    NDArray patches = ai.djl.nn.convolutional.Conv2d.conv2d(pixels, projectionWeight.value(), projectionBias.value(), stride,
        new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow(); // [B, D, g, g]
    NDArray tokens = patches.reshape(b, d, -1).transpose(0, 2, 1); // [B, g^2, D]
    NDArray cls = Ops.scoped(clsToken.value().reshape(1, 1, d), pixels).broadcast(b, 1, d); // [B, 1, D]
    NDArray x = NDArrays.concat(new NDList(cls, tokens), 1); // [B, 1 + g^2, D]
    NDArray pos = Ops.scoped(positionEmbeddings.value().reshape(1, -1, d), pixels); // a view, so scoped: [1, 1 + g^2, D]
    NDArray out = x.add(pos);
    Ops.release(patches, tokens, cls, x, pos);
    return out;
  }
}
