package org.conceptprune.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Text-encoder outputs computed ahead of sampling, so that a model can run its UNet with the text
 * encoder(s) no longer in memory (the statistics pass knows every prompt before it starts). Keyed by
 * the whole batch of prompts, as {@link Conditioning} encodes them: the encoder runs on exactly the
 * batches it would have run on, so the values are the same bits.
 */
public final class PromptEmbeddings {
  /** One encoded batch: context [B, 77, D] and SDXL's pooled [B, P] (null for SD-1.x/2.x). */
  private record Stored(DataType type, float[] context, long[] contextShape, float[] pooled, long[] pooledShape) {}

  private final Map<List<String>, Stored> batches = new HashMap<>();

  private PromptEmbeddings() {}

  /** Encodes every batch with {@code sd}'s text encoder(s); the arrays live on the Java heap. */
  static PromptEmbeddings encode(StableDiffusion sd, Collection<List<String>> batches) {
    PromptEmbeddings out = new PromptEmbeddings();
    for (List<String> b : batches) {
      List<String> key = List.copyOf(b);
      if (out.batches.containsKey(key)) continue;
      try (NDManager m = sd.manager.newSubManager()) {
        Conditioning.Encoded e = Conditioning.encode(sd, m, key);
        NDArray p = e.pooled();
        out.batches.put(key, new Stored(e.context().getDataType(), floats(e.context()), e.context().getShape().getShape(),
            p == null ? null : floats(p), p == null ? null : p.getShape().getShape()));
      }
    }
    return out;
  }

  /** The batch's embeddings as arrays of {@code m}; a batch that was not encoded ahead is a bug of the caller. */
  Conditioning.Encoded get(NDManager m, List<String> prompts) {
    Stored s = batches.get(prompts);
    if (s == null) {
      throw new IllegalStateException("the prompts " + prompts + " were not encoded before the text encoder was freed");
    }
    NDArray context = m.create(s.context(), new Shape(s.contextShape())).toType(s.type(), false);
    NDArray pooled = s.pooled() == null ? null : m.create(s.pooled(), new Shape(s.pooledShape())).toType(s.type(), false);
    return new Conditioning.Encoded(context, pooled);
  }

  /** fp32 holds every value of the compute types (fp32 on CPU, fp16 on GPU) exactly. */
  private static float[] floats(NDArray x) {
    return x.toType(DataType.FLOAT32, false).toFloatArray();
  }
}
