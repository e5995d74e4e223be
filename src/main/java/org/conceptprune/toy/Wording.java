package org.conceptprune.toy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * How the toy UNet's training captions are worded. {@link #GRAMMAR}: the world's four templates
 * ({@link Caption.Template}), as every run up to m8. {@link #VARIED}: half of the captions are
 * re-worded by one of several phrasings of the same kind (object and style / object only / style
 * only), as LAION's captions word the same picture many ways. Evaluation prompts and the judge stay
 * in the grammar either way, so a model trained on varied captions is measured on the same prompts.
 */
public enum Wording {
  GRAMMAR, VARIED;

  /** {@code grammar} or {@code varied}: the wording, or a {@link org.conceptprune.util.UserError} listing them. */
  public static Wording parse(String name) {
    for (Wording w : values()) if (w.name().toLowerCase(Locale.ROOT).equals(name)) return w;
    throw new org.conceptprune.util.UserError("unknown wording '" + name + "' (grammar, varied)");
  }

  /** Phrasings that name object (%1$s) and style (%2$s). */
  static final List<String> BOTH = List.of(
      "a picture of a %2$s %1$s", "an image of a %1$s in the style of %2$s", "%2$s %1$s", "a %1$s, %2$s style",
      "a drawing of a %1$s in %2$s style", "a %2$s drawing of a %1$s", "the %1$s in the style of %2$s",
      "a %1$s painted in %2$s style");
  /** Phrasings that name only the object. */
  static final List<String> OBJECT = List.of(
      "a picture of a %1$s", "an image of a %1$s", "a drawing of a %1$s", "%1$s", "the %1$s", "one %1$s");
  /** Phrasings that name only the style. */
  static final List<String> STYLE = List.of(
      "in the style of %2$s", "%2$s style", "a %2$s picture", "art in the style of %2$s", "a drawing in %2$s style",
      "%2$s");

  /** Words the phrasings add to the grammar; a world with a style of one of these names cannot be varied. */
  static final Set<String> WORDS = Set.of("picture", "image", "drawing", "painted", "one", "art");

  /** Fraction of captions re-worded under {@link #VARIED}. */
  static final double REWORDED = 0.5;

  static List<String> phrasings(Caption.Template t) {
    return t.namesObject && t.namesStyle ? BOTH : t.namesObject ? OBJECT : STYLE;
  }

  /** IllegalArgumentException when a style of w is named like a word of the phrasings. */
  public void requireFits(World w) {
    if (this == GRAMMAR) return;
    for (String s : w.styleNames()) {
      if (WORDS.contains(s)) {
        throw new IllegalArgumentException("world " + w.name() + " has a style named '" + s + "', a word of the varied captions");
      }
    }
  }

  /**
   * A training caption of (object, style): the world's random caption, re-worded under {@link #VARIED}.
   * Under {@link #GRAMMAR} this draws from rng exactly what {@link World#randomCaption} draws, so runs
   * from before this option train on the same data.
   */
  public String trainingCaption(World w, int object, int style, SplittableRandom rng) {
    Caption c = w.randomCaption(object, style, rng);
    if (this == GRAMMAR || rng.nextDouble() >= REWORDED) return c.text();
    List<String> p = phrasings(c.template());
    return render(p.get(rng.nextInt(p.size())), w, object, style);
  }

  /** Every text {@link #trainingCaption} can give for the pair. */
  public List<String> texts(World w, int object, int style) {
    List<String> out = new ArrayList<>();
    for (Caption c : w.captions(object, style)) out.add(c.text());
    if (this == VARIED) {
      for (List<String> p : List.of(BOTH, OBJECT, STYLE)) {
        for (String f : p) out.add(render(f, w, object, style));
      }
    }
    return out;
  }

  private static String render(String format, World w, int object, int style) {
    return String.format(Locale.ROOT, format, w.objects().get(object), w.styleNames().get(style));
  }
}
