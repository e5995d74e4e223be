package org.conceptprune.toy;

/**
 * A caption of a toy image and what it names: {@code object} / {@code style} are indices into its
 * world's {@link World#objects()} / {@link World#styles()}, or -1 when the caption leaves that out.
 */
public record Caption(String text, int object, int style, Template template) {

  /** The caption grammar. Every template names the object, the style, or both. */
  public enum Template {
    /** "a zorbly star" */
    STYLE_OBJECT("a %2$s %1$s", true, true),
    /** "a star in zorbly style" */
    OBJECT_IN_STYLE("a %1$s in %2$s style", true, true),
    /** "a star" */
    OBJECT_ONLY("a %1$s", true, false),
    /** "a zorbly shape" */
    STYLE_SHAPE("a %2$s shape", false, true);

    private final String format;
    public final boolean namesObject;
    public final boolean namesStyle;

    Template(String format, boolean namesObject, boolean namesStyle) {
      this.format = format;
      this.namesObject = namesObject;
      this.namesStyle = namesStyle;
    }

    public String render(String object, String style) {
      return String.format(java.util.Locale.ROOT, format, object, style);
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
