package org.conceptprune.toy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyWorldTest {
  private static final World CLASSIC = World.classic();
  private static final int HW = ToyWorld.SIZE * ToyWorld.SIZE;

  private static ToyRenderer.Layout plain(double radius) {
    float[] z = new float[3];
    return new ToyRenderer.Layout(16, 16, radius, 0, 0, 1, 0.1, 0.3, z, z, new float[] {0.5f, 0.5f, 0.5f});
  }

  @Test
  void worldDefinition() {
    assertTrue(CLASSIC.numObjects() >= 4);
    assertTrue(CLASSIC.numStyles() >= 16);
    Set<String> names = new HashSet<>(CLASSIC.styleNames());
    assertEquals(CLASSIC.numStyles(), names.size());
    for (String o : CLASSIC.objects()) assertFalse(names.contains(o));
    List<int[]> held = CLASSIC.heldOutPairs();
    assertEquals(8, held.size());
    Set<Integer> objs = new HashSet<>();
    Set<Integer> stys = new HashSet<>();
    for (int[] p : held) {
      objs.add(p[0]);
      assertTrue(stys.add(p[1]), "a style held out twice");
      assertTrue(CLASSIC.isHeldOut(p[0], p[1]));
    }
    assertEquals(CLASSIC.numObjects(), objs.size(), "every object has a held-out pair");
    assertEquals(CLASSIC.numObjects() * CLASSIC.numStyles() - held.size(), CLASSIC.trainingPairs().size());
    for (int[] p : CLASSIC.trainingPairs()) assertFalse(CLASSIC.isHeldOut(p[0], p[1]));
  }

  @Test
  void captionGrammar() {
    int star = CLASSIC.objectIndex("star");
    int z = CLASSIC.styleIndex("zorbly");
    List<String> texts = CLASSIC.captions(star, z).stream().map(Caption::text).toList();
    assertEquals(List.of("a zorbly star", "a star in zorbly style", "a star", "a zorbly shape"), texts);
    for (Caption c : CLASSIC.captions(star, z)) {
      Caption back = CLASSIC.parse(c.text());
      assertNotNull(back);
      assertEquals(c.object(), back.object());
      assertEquals(c.style(), back.style());
    }
    assertEquals(-1, CLASSIC.parse("a zorbly shape").object());
    assertEquals(-1, CLASSIC.parse("a star").style());
    assertNull(CLASSIC.parse("a photo of a dog"));
    SplittableRandom r = new SplittableRandom(1);
    int[] counts = new int[Caption.Template.values().length];
    for (int i = 0; i < 4000; i++) counts[CLASSIC.randomCaption(star, z, r).template().ordinal()]++;
    for (int c : counts) assertTrue(c > 800 && c < 1200, Arrays.toString(counts));
  }

  /** (object, style) of the classic world with a fresh stream of this seed. */
  private static float[] render(int object, int style, long seed) {
    return ToyRenderer.render(CLASSIC, object, style, new SplittableRandom(seed));
  }

  @Test
  void renderingIsDeterministicAndInRange() {
    for (int o = 0; o < CLASSIC.numObjects(); o++) {
      for (int s = 0; s < CLASSIC.numStyles(); s++) {
        long seed = 1000L * o + s;
        float[] a = render(o, s, seed);
        float[] b = render(o, s, seed);
        assertEquals(ToyWorld.PIXELS, a.length);
        assertArrayEquals(a, b, 0f);
        assertFalse(Arrays.equals(a, render(o, s, seed + 1)));
        for (float v : a) assertTrue(v >= 0f && v <= 1f);
        // corners are always background: grey, all channels close
        for (int i : new int[] {0, 31, 31 * 32, HW - 1}) {
          assertTrue(Math.abs(a[i] - a[HW + i]) < 0.06 && Math.abs(a[i] - a[2 * HW + i]) < 0.06 && a[i] > 0.38 && a[i] < 0.62,
              "corner " + i + " of " + o + "/" + s);
        }
      }
    }
    // a batch equals the same images rendered one by one from the same stream
    int[] objs = {0, 3, 5};
    int[] stys = {2, 9, 15};
    float[] batch = ToyRenderer.renderBatch(objs, stys, new SplittableRandom(7));
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 3; i++) {
      float[] one = ToyRenderer.render(objs[i], stys[i], r);
      assertArrayEquals(one, Arrays.copyOfRange(batch, i * ToyWorld.PIXELS, (i + 1) * ToyWorld.PIXELS), 0f);
    }
  }

  /** Object masks (pixel centres) at the same layout: sensible areas and pairwise different silhouettes. */
  @Test
  void objectsHaveDistinctSilhouettes() {
    boolean[][] masks = new boolean[CLASSIC.numObjects()][HW];
    for (int o = 0; o < CLASSIC.numObjects(); o++) {
      int area = 0;
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          boolean in = ToyRenderer.inside(ToyWorld.Shape.values()[o], (x + 0.5 - 16) / 10, (y + 0.5 - 16) / 10);
          masks[o][y * 32 + x] = in;
          if (in) area++;
        }
      }
      assertTrue(area > 0.10 * HW && area < 0.30 * HW, CLASSIC.objects().get(o) + " area " + area);
    }
    for (int a = 0; a < masks.length; a++) {
      for (int b = a + 1; b < masks.length; b++) {
        int inter = 0;
        int union = 0;
        for (int i = 0; i < HW; i++) {
          if (masks[a][i] && masks[b][i]) inter++;
          if (masks[a][i] || masks[b][i]) union++;
        }
        double iou = (double) inter / union;
        assertTrue(iou < 0.85, CLASSIC.objects().get(a) + " vs " + CLASSIC.objects().get(b) + " IoU " + iou);
      }
    }
  }

  /**
    * Every style shows both of its palette colours inside the object, no two styles share a palette,
   * and its texture differs from every other style's texture (the
   * B-mask of two styles on the same square disagrees on many pixels).
   */
  @Test
  void stylesAreDistinguishable() {
    int square = CLASSIC.objectIndex("square");
    List<ToyWorld.Style> styles = CLASSIC.styles();
    boolean[][] bmask = new boolean[styles.size()][];
    for (int s = 0; s < styles.size(); s++) {
      float[] img = new float[ToyWorld.PIXELS];
      ToyRenderer.render(square, s, plain(12), img, 0);
      ToyWorld.Style st = styles.get(s);
      int na = 0;
      int nb = 0;
      int fg = 0;
      bmask[s] = new boolean[HW];
      for (int y = 8; y < 24; y++) {
        for (int x = 8; x < 24; x++) { // well inside the square
          int i = y * 32 + x;
          float[] c = {img[i], img[HW + i], img[2 * HW + i]};
          fg++;
          double da = dist(c, st.colorA());
          double db = dist(c, st.colorB());
          if (da < 0.05) na++;
          if (db < 0.05) {
            nb++;
            bmask[s][i] = true;
          }
        }
      }
      assertTrue(na > 0.1 * fg && nb > 0.1 * fg, st.name() + ": colour A " + na + ", colour B " + nb + " of " + fg);
      // palettes: no two styles share both colours (each pair differs clearly in at least one colour)
      for (int t = 0; t < s; t++) {
        ToyWorld.Style o = styles.get(t);
        double same = Math.max(Math.min(dist(st.colorA(), o.colorA()), dist(st.colorA(), o.colorB())),
            Math.min(dist(st.colorB(), o.colorA()), dist(st.colorB(), o.colorB())));
        assertTrue(same > 0.25, st.name() + " and " + o.name() + " have near-identical palettes");
      }
    }
    for (int a = 0; a < styles.size(); a++) {
      for (int b = a + 1; b < styles.size(); b++) {
        int diff = 0;
        for (int i = 0; i < HW; i++) if (bmask[a][i] != bmask[b][i]) diff++;
        assertTrue(diff > 40, styles.get(a).name() + " vs " + styles.get(b).name() + " texture masks differ on " + diff + " px");
      }
    }
  }

  private static double dist(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < 3; k++) s += (a[k] - b[k]) * (a[k] - b[k]);
    return Math.sqrt(s);
  }

  @Test
  void gridPng(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("grid.png");
    ToyImages.writeWorldGrid(3, 2, png);
    java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
    assertEquals(CLASSIC.numObjects() * 66 + 2, img.getWidth());
    assertEquals(CLASSIC.numStyles() * 66 + 2, img.getHeight());
    assertTrue(Files.size(png) > 1000);
  }
}
