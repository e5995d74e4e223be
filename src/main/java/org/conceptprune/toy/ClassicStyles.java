package org.conceptprune.toy;

import java.util.List;
import org.conceptprune.toy.ToyWorld.Style;
import org.conceptprune.toy.ToyWorld.Texture;

/** The classic world's 16 hand-made styles and 8 held-out pairs ({@link World#classic()}). */
final class ClassicStyles {
  private ClassicStyles() {}

  private static float[] rgb(double r, double g, double b) {
    return new float[] {(float) r, (float) g, (float) b};
  }

  static final List<Style> STYLES = List.of(
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
  static final int[][] HELD_OUT = {
      {0, 3},   // circle  / tralor
      {1, 6},   // square  / glimber
      {2, 9},   // triangle/ snekkel
      {3, 12},  // star    / porvic
      {4, 15},  // cross   / ostrel
      {5, 1},   // heart   / quenth
      {0, 10},  // circle  / yullow
      {3, 5},   // star    / frusk
  };
}
