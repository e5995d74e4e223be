package org.conceptprune.toy.clip;

import ai.djl.ndarray.NDArray;
import org.conceptprune.nn.Ops;
import org.conceptprune.toy.Caption;

/**
 * CLIP's symmetric InfoNCE loss, with every caption that fits an image counted as its positive.
 * In the toy world one batch holds many captions that fit the same image ("a star" fits every
 * star), so the one-hot target of CLIP would push true matches apart; here the target of a row is
 * the set of fitting columns:
 *
 * <pre>
 *   logits[i][j] = scale * cos(image_i, caption_j)                         [B, B]
 *   L_img(i)  = -log sum_{j fits i} softmax_j(logits[i][.])                image -> text
 *   L_text(j) = -log sum_{i fits j} softmax_i(logits[.][j])                text -> image
 *   L = (mean_i L_img + mean_j L_text) / 2
 * </pre>
 *
 * With one positive per row (all captions distinct, each fitting only its own image) this is CLIP's loss.
 */
public final class ContrastiveLoss {
  private ContrastiveLoss() {}

  /** Added to the log-probability of a column that does not fit: exp of it is 0 in float32. */
  static final float NOT_A_MATCH = -1e4f;

  /** Whether a caption fits an image of (object, style): everything it names is what the image shows. */
  public static boolean fits(Caption c, int object, int style) {
    return (c.object() < 0 || c.object() == object) && (c.style() < 0 || c.style() == style);
  }

  /**
   * @param logits [B, B], rows images, columns captions
   * @param fits [B, B] 1 where caption j fits image i, else 0; the diagonal is 1
   * @return the scalar loss
   */
  public static NDArray loss(NDArray logits, NDArray fits) {
    NDArray imageToText = positiveNll(logits.logSoftmax(1), fits, 1);
    NDArray textToImage = positiveNll(logits.logSoftmax(0), fits, 0);
    return Ops.mul(imageToText.add(textToImage), 0.5f);
  }

  /** mean over the other axis of -log sum over axis of exp(logProbs) where fits. */
  static NDArray positiveNll(NDArray logProbs, NDArray fits, int axis) {
    NDArray masked = logProbs.add(Ops.mul(fits.sub(1f), -NOT_A_MATCH)); // non-fitting entries ~ -1e4
    NDArray max = masked.max(new int[] {axis}, true).stopGradient();
    NDArray lse = masked.sub(max).exp().sum(new int[] {axis}, true).log().add(max);
    return lse.mean().neg();
  }
}
