package org.conceptprune.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.conceptprune.model.clip.ClipTokenizer;
import org.conceptprune.util.UserError;

/**
 * A prompt with k adversarial tokens prepended, laid out as UnlearnDiffAtk's {@code prefix_k} does on
 * the prompt's padded ids: {@code [bos | k adversarial | content (L) | eos, padding (76 - k - L)]},
 * always 77 (the tokenizer's max length) positions, the padding tail cut by k.
 */
public final class AdversarialPrompt {
  public final String prompt;
  public final int k;
  /** the prompt's own ids, padded to the max length */
  private final long[] ids;
  /** L: content tokens between bos and eos */
  public final int contentLength;

  private AdversarialPrompt(String prompt, int k, long[] ids, int contentLength) {
    this.prompt = prompt;
    this.k = k;
    this.ids = ids;
    this.contentLength = contentLength;
  }

  /** @throws UserError when k < 1 or the prompt with k more tokens does not fit the max length */
  public static AdversarialPrompt of(ClipTokenizer tok, String prompt, int k) {
    if (k < 1) throw new UserError("the number of adversarial tokens k must be at least 1, got " + k);
    ClipTokenizer.Encoding e = tok.encode(prompt);
    int content = e.untruncatedLength() - 2;
    if (content + k + 2 > tok.maxLength()) {
      throw new UserError("prompt '" + abbreviate(prompt) + "' has " + content + " tokens; with " + k
          + " adversarial tokens, bos and eos it needs " + (content + k + 2) + " > " + tok.maxLength() + " positions");
    }
    return new AdversarialPrompt(prompt, k, e.ids(), content);
  }

  /** The 77 ids with {@code adv} (k ids) after bos. */
  public long[] ids(int[] adv) {
    if (adv.length != k) throw new IllegalArgumentException(adv.length + " adversarial ids, expected " + k);
    long[] out = new long[ids.length];
    out[0] = ids[0];
    for (int i = 0; i < k; i++) out[1 + i] = adv[i];
    System.arraycopy(ids, 1, out, 1 + k, ids.length - 1 - k);
    return out;
  }

  /**
   * The text encoder's input embeddings [1, 77, D]: table rows of the prompt's ids around the k
   * adversarial rows {@code advEmbeds} [k, D] (a gradient reaches them).
   */
  public NDArray embeds(NDManager m, NDArray table, NDArray advEmbeds) {
    int t = ids.length;
    long[] head = {ids[0]};
    long[] tail = Arrays.copyOfRange(ids, 1, t - k);
    NDArray h = table.get(new NDIndex("{}", m.create(head))); // [1, D]
    NDArray c = table.get(new NDIndex("{}", m.create(tail))); // [76 - k, D]
    h.attach(m);
    c.attach(m);
    return NDArrays.concat(new NDList(h, advEmbeds, c), 0).reshape(new Shape(1, t, table.getShape().get(1)));
  }

  /** The prompt the argmax tokens spell: the reference decodes ids[1:] without eos and padding. */
  public String decode(ClipTokenizer tok, int[] adv) {
    long[] all = ids(adv);
    long[] body = Arrays.copyOfRange(all, 1, 1 + k + contentLength);
    return tok.decode(body);
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
