package org.conceptprune.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.conceptprune.model.clip.ClipTextModel;
import org.conceptprune.model.clip.ClipTokenizer;
import org.conceptprune.model.unet.UNet2DConditionModel;

/**
 * Text conditioning of one batch, as diffusers' encode_prompt builds it.
 *
 * <ul>
 *   <li>SD-1.x/2.x: context = last_hidden_state of the text encoder (ids padded to 77, no mask).
 *   <li>SDXL: context = concat(penultimate hidden state of text_encoder, of text_encoder_2) on
 *       features; pooled = text_encoder_2's projected pooled output; time ids = (original size,
 *       crop top-left, target size). Without a negative prompt and with force_zeros_for_empty_prompt,
 *       the negative embeddings are zeros.
 * </ul>
 *
 * With guidance the batch is [negatives x N, prompts x N].
 *
 * @param context [B, 77, D]; @param added SDXL's added conditioning or null
 */
public record Conditioning(NDArray context, UNet2DConditionModel.AddedCond added) {

  record Encoded(NDArray context, NDArray pooled) {}

  /**
   * The batches of prompt strings {@link #build} encodes for these arguments (the prompts; with
   * guidance the negatives, or as many empty prompts): what {@link PromptEmbeddings} must hold.
   */
  static List<List<String>> batches(List<String> prompts, List<String> negatives, boolean guidance) {
    if (!guidance) return List.of(prompts);
    return List.of(prompts, negatives == null ? java.util.Collections.nCopies(prompts.size(), "") : negatives);
  }

  /** @param encoder encodes the prompts in place of the text encoder (SD-1.x/2.x), or null */
  static Conditioning build(StableDiffusion sd, NDManager m, List<String> prompts, List<String> negatives,
      boolean guidance, int height, int width, TextToImage.PromptEncoder encoder) {
    Encoded pos = encoder != null ? new Encoded(encoder.encode(m, prompts), null) : encode(sd, m, prompts);
    Encoded all = pos;
    if (guidance) {
      Encoded neg;
      if (negatives == null && sd.isSdxl() && sd.forceZerosForEmptyPrompt) {
        neg = new Encoded(pos.context.zerosLike(), pos.pooled.zerosLike());
      } else {
        neg = encode(sd, m, negatives == null ? java.util.Collections.nCopies(prompts.size(), "") : negatives);
      }
      all = new Encoded(NDArrays.concat(new NDList(neg.context, pos.context), 0),
          pos.pooled == null ? null : NDArrays.concat(new NDList(neg.pooled, pos.pooled), 0));
    }
    UNet2DConditionModel.AddedCond added = null;
    if (sd.isSdxl()) {
      long b = all.context.getShape().get(0);
      float[] ids = new float[(int) b * 6];
      for (int i = 0; i < b; i++) {
        float[] row = {height, width, 0, 0, height, width};
        System.arraycopy(row, 0, ids, i * 6, 6);
      }
      added = new UNet2DConditionModel.AddedCond(all.pooled, m.create(ids, new Shape(b, 6)));
    }
    return new Conditioning(all.context, added);
  }

  static Encoded encode(StableDiffusion sd, NDManager m, List<String> prompts) {
    if (sd.embeddings != null) return sd.embeddings.get(m, prompts);
    if (!sd.isSdxl()) {
      ClipTextModel.Output o = sd.textEncoder.forward(ids(m, sd.tokenizer, prompts));
      return new Encoded(o.lastHiddenState(), null);
    }
    ClipTextModel.Output o1 = sd.textEncoder.forward(ids(m, sd.tokenizer, prompts));
    ClipTextModel.Output o2 = sd.textEncoder2.forward(ids(m, sd.tokenizer2, prompts));
    NDArray h1 = o1.hiddenStates().get(o1.hiddenStates().size() - 2);
    NDArray h2 = o2.hiddenStates().get(o2.hiddenStates().size() - 2);
    NDArray pooled = o2.textEmbeds() != null ? o2.textEmbeds() : o2.pooled();
    return new Encoded(NDArrays.concat(new NDList(h1, h2), -1), pooled);
  }

  public static NDArray ids(NDManager m, ClipTokenizer tok, List<String> prompts) {
    int t = tok.maxLength();
    long[] ids = new long[prompts.size() * t];
    for (int i = 0; i < prompts.size(); i++) {
      System.arraycopy(tok.encode(prompts.get(i)).ids(), 0, ids, i * t, t);
    }
    return m.create(ids, new Shape(prompts.size(), t));
  }
}
