package org.conceptprune.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.util.UserError;

/**
 * transformers' CLIPVisionModelWithProjection: the ViT image tower of CLIP, keys {@code vision_model.*}
 * and {@code visual_projection.weight}.
 *
 * <pre>
 *   x     = [class_embedding ; patch_embedding(pixels) flattened] + position_embedding   [B, 1 + g^2, D]
 *   h     = encoder(pre_layrnorm(x))          full (non-causal) attention, no mask
 *   pooled = post_layernorm(h[:, 0])          the class token                            [B, D]
 *   image_embeds = visual_projection(pooled)  no bias, not normalised                    [B, P]
 * </pre>
 */
public final class ClipVisionModel extends Module {
  /**
   * @param lastHiddenState [B, 1 + g^2, D], the encoder's output (no final norm, as transformers)
   * @param pooled [B, D]: post_layernorm of the class token
   * @param imageEmbeds [B, P] = visual_projection(pooled) (transformers' get_image_features)
   */
  public record Output(NDArray lastHiddenState, NDArray pooled, NDArray imageEmbeds) {}

  public final ClipVisionConfig config;
  private final ClipVisionTransformer vision;
  private final Linear visualProjection;

  public ClipVisionModel(ClipVisionConfig c) {
    this.config = c;
    vision = child("vision_model", new ClipVisionTransformer(c));
    visualProjection = child("visual_projection", new Linear(c.hiddenSize(), c.projectionDim(), false));
  }

  /** @param pixelValues [B, C, S, S] with S = image_size, as CLIPImageProcessor makes them */
  public Output forward(NDArray pixelValues) {
    long[] s = pixelValues.getShape().getShape();
    ClipVisionConfig c = config;
    if (s.length != 4 || s[1] != c.numChannels() || s[2] != c.imageSize() || s[3] != c.imageSize()) {
      throw new UserError("CLIP vision model: pixel_values should be [B, " + c.numChannels() + ", " + c.imageSize()
          + ", " + c.imageSize() + "] (the model's image_size), found " + Arrays.toString(s));
    }
    long b = s[0];
    int d = c.hiddenSize();
    NDArray h = embeddings(pixelValues, b, d); // [B, T, D]
    NDArray x = vision.preLayerNorm.forward(h);
    Ops.release(h);
    for (ClipEncoderLayer layer : vision.layers) {
      NDArray next = layer.forward(x, null);
      Ops.release(x);
      x = next;
    }
    NDArray pooled = vision.postLayerNorm.forward(x.get(new NDIndex(":, 0"))); // [B, D]
    return new Output(x, pooled, visualProjection.forward(pooled));
  }

  /** Class token and patch tokens plus position embeddings: [B, 1 + g^2, D]. */
  private NDArray embeddings(NDArray pixels, long b, int d) {
    NDArray w = vision.patchEmbedding.value();
    Shape stride = new Shape(config.patchSize(), config.patchSize());
    NDArray patches = ai.djl.nn.convolutional.Conv2d.conv2d(pixels, w, null, stride, new Shape(0, 0),
        new Shape(1, 1), 1).singletonOrThrow(); // [B, D, g, g]
    NDArray tokens = patches.reshape(b, d, -1).transpose(0, 2, 1); // [B, g^2, D]
    NDArray cls = Ops.scoped(vision.classEmbedding.value().reshape(1, 1, d), pixels).broadcast(b, 1, d); // [B, 1, D]
    NDArray x = NDArrays.concat(new NDList(cls, tokens), 1); // [B, 1 + g^2, D]
    NDArray pos = Ops.scoped(vision.positionEmbedding.value().expandDims(0), pixels); // [1, T, D]
    NDArray out = x.add(pos);
    Ops.release(patches, tokens, cls, x, pos);
    return out;
  }
}
