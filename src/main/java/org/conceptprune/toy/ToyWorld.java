package org.conceptprune.toy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The toy world: small 32x32 RGB images of an OBJECT (a filled shape) painted in a STYLE (an
 * invented word naming a periodic texture of period ~8 px in a two-colour palette), on a plain grey
 * background. Some (object, style) pairs are held out of training, so a model trained on the
 * others must compose them. Everything here is fixed data: the world has no state.
 */
public final class ToyWorld {
  private ToyWorld() {}

  public static final int SIZE = 32;
  public static final int CHANNELS = 3;
  public static final int PIXELS = CHANNELS * SIZE * SIZE;

  /** The shapes, by index. */
  public enum Shape { CIRCLE, SQUARE, TRIANGLE, STAR, CROSS, HEART }

  /** The textures a style can use. */
  public enum Texture {
    /** two-colour bands at an angle (duty 0.5) */
    STRIPES,
    /** thin bands (duty 0.25) */
    THIN_STRIPES,
    /** checkerboard, cells of half a period */
    CHECKS,
    /** round dots of colour B on A, square lattice */
    DOTS,
    /** bands displaced by a sine wave */
    WAVES,
    /** bands displaced by a triangle wave */
    ZIGZAG,
    /** concentric rings around the object's centre */
    RINGS,
    /** lines of colour B in both directions on A */
    GRID,
    /** rays from the object's centre */
    SPOKES,
    /** an Archimedean spiral around the object's centre */
    SPIRAL,
    /** two diagonal line sets */
    CROSSHATCH
  }

  /**
   * A style: its invented name, texture, texture angle (degrees; 0 = bands vary along x, i.e. vertical
   * bands), period in pixels, and two palette colours (RGB in [0,1]).
   */
  public record Style(String name, Texture texture, double angleDeg, double period, float[] colorA, float[] colorB) {}

  private static float[] rgb(double r, double g, double b) {
    return new float[] {(float) r, (float) g, (float) b};
  }

  private static final List<String> OBJECTS = List.of("circle", "square", "triangle", "star", "cross", "heart");

  private static final List<Style> STYLES = List.of(
      new Style("zorbly", Texture.STRIPES, 0, 8, rgb(0.90, 0.12, 0.12), rgb(1.00, 0.88, 0.20)),
      new Style("quenth", Texture.STRIPES, 90, 8, rgb(0.12, 0.28, 0.90), rgb(0.96, 0.96, 0.96)),
      new Style("mivvic", Texture.STRIPES, 45, 8, rgb(0.10, 0.62, 0.20), rgb(0.05, 0.05, 0.05)),
      new Style("tralor", Texture.STRIPES, 135, 8, rgb(0.55, 0.18, 0.78), rgb(1.00, 0.58, 0.08)),
      new Style("plonic", Texture.CHECKS, 0, 8, rgb(0.04, 0.04, 0.04), rgb(0.97, 0.97, 0.97)),
      new Style("frusk", Texture.CHECKS, 45, 8, rgb(0.85, 0.08, 0.35), rgb(0.20, 0.88, 0.92)),
      new Style("glimber", Texture.DOTS, 0, 7, rgb(0.10, 0.10, 0.42), rgb(1.00, 0.62, 0.82)),
      new Style("wobbet", Texture.WAVES, 90, 8, rgb(0.00, 0.50, 0.50), rgb(1.00, 0.96, 0.45)),
      new Style("dravish", Texture.RINGS, 0, 7, rgb(1.00, 0.50, 0.00), rgb(0.10, 0.18, 0.70)),
      new Style("snekkel", Texture.ZIGZAG, 0, 8, rgb(0.88, 0.10, 0.82), rgb(0.62, 1.00, 0.22)),
      new Style("yullow", Texture.GRID, 0, 8, rgb(0.50, 0.04, 0.06), rgb(0.98, 0.98, 0.90)),
      new Style("krimble", Texture.SPOKES, 0, 8, rgb(0.96, 0.78, 0.10), rgb(0.38, 0.18, 0.04)),
      new Style("porvic", Texture.WAVES, 0, 8, rgb(0.55, 0.82, 1.00), rgb(0.04, 0.32, 0.12)),
      new Style("blenth", Texture.SPIRAL, 0, 8, rgb(0.08, 0.08, 0.10), rgb(0.35, 0.92, 0.62)),
      new Style("vashy", Texture.THIN_STRIPES, 60, 8, rgb(0.76, 0.66, 1.00), rgb(0.45, 0.00, 0.24)),
      new Style("ostrel", Texture.CROSSHATCH, 45, 8, rgb(1.00, 0.94, 0.78), rgb(0.05, 0.16, 0.38)));

  /** Held-out (object, style) pairs: every object has one or two, no style more than one. */
  private static final int[][] HELD_OUT = {
      {0, 3},   // circle  / tralor
      {1, 6},   // square  / glimber
      {2, 9},   // triangle/ snekkel
      {3, 12},  // star    / porvic
      {4, 15},  // cross   / ostrel
      {5, 1},   // heart   / quenth
      {0, 10},  // circle  / yullow
      {3, 5},   // star    / frusk
  };

  public static List<String> objects() {
    return OBJECTS;
  }

  public static List<Style> styles() {
    return STYLES;
  }

  public static int numObjects() {
    return OBJECTS.size();
  }

  public static int numStyles() {
    return STYLES.size();
  }

  public static List<String> styleNames() {
    List<String> out = new ArrayList<>();
    for (Style s : STYLES) out.add(s.name());
    return Collections.unmodifiableList(out);
  }

  public static int objectIndex(String name) {
    int i = OBJECTS.indexOf(name.toLowerCase(Locale.ROOT));
    if (i < 0) throw new IllegalArgumentException("unknown object '" + name + "', expected one of " + OBJECTS);
    return i;
  }

  public static int styleIndex(String name) {
    for (int i = 0; i < STYLES.size(); i++) if (STYLES.get(i).name().equalsIgnoreCase(name)) return i;
    throw new IllegalArgumentException("unknown style '" + name + "', expected one of " + styleNames());
  }

  /** The held-out pairs as {object, style} index pairs. */
  public static List<int[]> heldOutPairs() {
    List<int[]> out = new ArrayList<>();
    for (int[] p : HELD_OUT) out.add(p.clone());
    return out;
  }

  public static boolean isHeldOut(int object, int style) {
    for (int[] p : HELD_OUT) if (p[0] == object && p[1] == style) return true;
    return false;
  }

  /** All (object, style) pairs that are not held out, object-major. */
  public static List<int[]> trainingPairs() {
    List<int[]> out = new ArrayList<>();
    for (int o = 0; o < numObjects(); o++) {
      for (int s = 0; s < numStyles(); s++) if (!isHeldOut(o, s)) out.add(new int[] {o, s});
    }
    return out;
  }

  /** The caption of (object, style) under a template. */
  public static Caption caption(int object, int style, Caption.Template t) {
    String text = t.render(OBJECTS.get(object), STYLES.get(style).name());
    return new Caption(text, t.namesObject ? object : -1, t.namesStyle ? style : -1, t);
  }

  /** All captions of a pair, one per template. */
  public static List<Caption> captions(int object, int style) {
    List<Caption> out = new ArrayList<>();
    for (Caption.Template t : Caption.Template.values()) out.add(caption(object, style, t));
    return out;
  }

  /**
   * A random caption of the pair: full captions (both templates) half of the time, object-only and
   * style-only a quarter each.
   */
  public static Caption randomCaption(int object, int style, SplittableRandom rng) {
    double u = rng.nextDouble();
    Caption.Template t = u < 0.25 ? Caption.Template.STYLE_OBJECT
        : u < 0.5 ? Caption.Template.OBJECT_IN_STYLE
        : u < 0.75 ? Caption.Template.OBJECT_ONLY
        : Caption.Template.STYLE_SHAPE;
    return caption(object, style, t);
  }

  /**
   * Parses a caption of the grammar back into (object, style); -1 for what it does not name.
   * Returns null for text outside the grammar.
   */
  public static Caption parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    for (int o = 0; o < numObjects(); o++) {
      for (int st = 0; st < numStyles(); st++) {
        for (Caption.Template t : Caption.Template.values()) {
          Caption c = caption(o, st, t);
          if (c.text().equals(s)) return c;
        }
      }
    }
    return null;
  }
}
