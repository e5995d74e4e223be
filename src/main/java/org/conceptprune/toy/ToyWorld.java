package org.conceptprune.toy;

/**
 * The toy world: small 32x32 RGB images of an OBJECT (a filled shape) painted in a STYLE (an
 * invented word naming a periodic texture of period ~8 px in a two-colour palette), on a plain grey
 * background. Some (object, style) pairs are held out of training, so a model trained on the
 * others must compose them. The types and sizes shared by every world live here; a world's objects,
 * styles and held-out pairs are a {@link World} value (the shipped model's is {@link World#classic()}:
 * 6 objects, 16 styles, 8 held-out pairs).
 */
public final class ToyWorld {
  private ToyWorld() {}

  public static final int SIZE = 32;
  public static final int CHANNELS = 3;
  public static final int PIXELS = CHANNELS * SIZE * SIZE;

  /** The shapes, by index. */
  public enum Shape { CIRCLE, SQUARE, TRIANGLE, STAR, CROSS, HEART }

  /** The textures a style can use, with the default of {@link Style#duty()} (the classic styles' value). */
  public enum Texture {
    /** two-colour bands at an angle (duty: share of colour B) */
    STRIPES(0.5),
    /** thin bands (duty 0.3) */
    THIN_STRIPES(0.3),
    /** checkerboard, cells of half a period (no duty) */
    CHECKS(0.5),
    /** round dots of colour B on A, square lattice (duty: dot radius in periods) */
    DOTS(0.3),
    /** bands displaced by a sine wave */
    WAVES(0.5),
    /** bands displaced by a triangle wave */
    ZIGZAG(0.5),
    /** concentric rings around the object's centre */
    RINGS(0.5),
    /** lines of colour B in both directions on A (duty: line width in periods) */
    GRID(0.25),
    /** rays from the object's centre, round(period) of them */
    SPOKES(0.5),
    /** an Archimedean spiral around the object's centre */
    SPIRAL(0.5),
    /** two diagonal line sets (GRID's pattern; the classic style draws it at 45 degrees) */
    CROSSHATCH(0.25);

    public final double defaultDuty;

    Texture(double defaultDuty) {
      this.defaultDuty = defaultDuty;
    }
  }

  /**
   * A style: its invented name, texture, texture angle (degrees; 0 = bands vary along x, i.e. vertical
   * bands), period in pixels (SPOKES: the number of rays), two palette colours (RGB in [0,1]) and
   * the texture's duty (share of colour B, dot radius or line width; see {@link Texture}).
   */
  public record Style(String name, Texture texture, double angleDeg, double period, float[] colorA, float[] colorB,
      double duty) {
    /** A style with its texture's default duty. */
    public Style(String name, Texture texture, double angleDeg, double period, float[] colorA, float[] colorB) {
      this(name, texture, angleDeg, period, colorA, colorB, texture.defaultDuty);
    }
  }
}
