package org.conceptprune.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.conceptprune.model.clip.ClipTokenizer;
import org.conceptprune.util.UserError;

/**
 * A prompt in which every occurrence of the concept's word is one learned token (textual inversion's
 * placeholder): {@code [bos | tokens before | * | tokens after | eos, padding]}. A prompt that does
 * not name the concept gets the token in front. The learned embedding replaces the placeholder's
 * row of the text encoder's input embeddings.
 */
final class TokenPrompt {
  /** [T] ids, the placeholder positions holding {@code placeholderId} */
  final long[] ids;
  /** positions of the learned token */
  final int[] slots;
  final String display;

  private TokenPrompt(long[] ids, int[] slots, String display) {
    this.ids = ids;
    this.slots = slots;
    this.display = display;
  }

  /** @param placeholderId any id; it only marks the slot (the pooled output reads the eos position) */
  static TokenPrompt of(ClipTokenizer tok, String prompt, String concept, long placeholderId) {
    Matcher mt = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(concept) + "(?![\\p{L}\\p{N}])",
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(prompt);
    List<String> pieces = new ArrayList<>();
    int from = 0;
    while (mt.find()) {
      pieces.add(prompt.substring(from, mt.start()));
      from = mt.end();
    }
    pieces.add(prompt.substring(from));
    if (pieces.size() == 1) pieces.add(0, ""); // no occurrence: the token goes first
    List<Long> ids = new ArrayList<>();
    List<Integer> slots = new ArrayList<>();
    ids.add((long) tok.bosId());
    for (int i = 0; i < pieces.size(); i++) {
      if (i > 0) {
        slots.add(ids.size());
        ids.add(placeholderId);
      }
      ClipTokenizer.Encoding e = tok.encode(pieces.get(i));
      for (int j = 0; j < e.untruncatedLength() - 2; j++) ids.add(j + 1 < e.ids().length - 1 ? e.ids()[j + 1] : -1L);
    }
    ids.add((long) tok.eosId());
    if (ids.size() > tok.maxLength() || ids.contains(-1L)) {
      throw new UserError("prompt '" + AdversarialPrompt.abbreviate(prompt) + "' with the learned token needs " + ids.size()
          + " > " + tok.maxLength() + " positions");
    }
    long[] out = new long[tok.maxLength()];
    Arrays.fill(out, tok.padId());
    for (int i = 0; i < ids.size(); i++) out[i] = ids.get(i);
    String display = String.join("<*>", pieces).strip();
    if (!prompt.toLowerCase(Locale.ROOT).contains(concept.toLowerCase(Locale.ROOT))) display = "<*> " + prompt;
    return new TokenPrompt(out, slots.stream().mapToInt(Integer::intValue).toArray(), display);
  }

  /** The text encoder's input embeddings [1, T, D]: table rows, the slots replaced by {@code vec} [D]. */
  NDArray embeds(NDManager m, NDArray table, NDArray vec) {
    int t = ids.length;
    NDArray rows = table.get(new NDIndex("{}", m.create(ids))); // [T, D]
    rows.attach(m);
    float[] mask = new float[t];
    for (int s : slots) mask[s] = 1f;
    NDArray sel = m.create(mask, new Shape(t, 1)); // [T, 1]
    NDArray e = rows.mul(sel.neg().add(1f)).add(sel.mul(vec.reshape(1, -1))); // [T, D]
    return e.reshape(1, t, table.getShape().get(1));
  }

  NDArray idArray(NDManager m) {
    return m.create(ids, new Shape(1, ids.length));
  }
}
