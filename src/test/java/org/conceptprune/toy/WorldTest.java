package org.conceptprune.toy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.conceptprune.toy.ToyWorld.Style;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;

/** The crowded world: deterministic, many distinct named styles, one held-out object each, a parseable grammar. */
class WorldTest {
  static final World W = World.crowded(120, 0);

  @Test
  void sameSeedSameWorldOtherSeedOtherWorld() {
    World a = CrowdedWorld.make("crowded:120:0", 120, 0); // not the cached value
    assertEquals(W.styleNames(), a.styleNames());
    for (int s = 0; s < W.numStyles(); s++) {
      Style x = W.style(s);
      Style y = a.style(s);
      assertEquals(x.texture(), y.texture());
      assertEquals(x.angleDeg(), y.angleDeg());
      assertEquals(x.period(), y.period());
      assertEquals(x.duty(), y.duty());
      assertArrayEquals(x.colorA(), y.colorA());
      assertArrayEquals(x.colorB(), y.colorB());
    }
    for (int i = 0; i < W.numStyles(); i++) assertArrayEquals(W.heldOutPairs().get(i), a.heldOutPairs().get(i));
    World other = World.crowded(120, 1);
    assertNotEquals(W.styleNames(), other.styleNames());
    assertSame(W, World.named("crowded:120:0"));
    assertSame(W, World.named("crowded"));
    assertEquals(W, World.named(W.name()));
    assertEquals("crowded:120:0", W.name());
    assertSame(World.classic(), World.named("classic"));
  }

  @Test
  void manyUniquePronounceableNamesAndEveryTexture() {
    assertTrue(W.numStyles() >= 100);
    Set<String> names = new HashSet<>(W.styleNames());
    assertEquals(W.numStyles(), names.size(), "names unique");
    for (String n : names) {
      assertTrue(n.matches("[a-z]{4,9}"), n);
      assertFalse(W.objects().contains(n) || World.GRAMMAR.contains(n) || World.classic().styleNames().contains(n), n);
      assertTrue(n.matches(".*[aeiouy].*"), n + " has a vowel");
    }
    int[] perTexture = new int[ToyWorld.Texture.values().length];
    for (Style s : W.styles()) perTexture[s.texture().ordinal()]++;
    for (int c : perTexture) assertTrue(c >= 6, java.util.Arrays.toString(perTexture));
    // the rejection rule holds between every two styles
    for (int a = 0; a < W.numStyles(); a++) {
      Style x = W.style(a);
      assertTrue(CrowdedWorld.dist(x.colorA(), x.colorB()) >= CrowdedWorld.MIN_CONTRAST, x.name());
      for (int b = 0; b < a; b++) assertFalse(CrowdedWorld.tooClose(x, W.style(b)), x.name() + " vs " + W.style(b).name());
    }
  }

  @Test
  void rejectionRule() {
    Style base = new Style("p", ToyWorld.Texture.STRIPES, 0, 8, new float[] {0.9f, 0.1f, 0.1f}, new float[] {0.1f, 0.1f, 0.9f});
    Style swapped = new Style("q", ToyWorld.Texture.STRIPES, 0, 8, base.colorB(), base.colorA());
    assertEquals(0, CrowdedWorld.paletteDistance(base, swapped), 1e-9);
    assertTrue(CrowdedWorld.tooClose(base, swapped));
    // the same palette is too close even with another texture family
    assertTrue(CrowdedWorld.tooClose(base, new Style("r", ToyWorld.Texture.RINGS, 0, 8, base.colorA(), base.colorB())));
    // palettes 0.4 apart: too close in one family with the same geometry; apart with another period, angle or family
    float[] b2 = {0.1f, 0.5f, 0.9f};
    assertTrue(CrowdedWorld.tooClose(base, new Style("s", ToyWorld.Texture.WAVES, 10, 9, base.colorA(), b2)));
    assertFalse(CrowdedWorld.tooClose(base, new Style("t", ToyWorld.Texture.WAVES, 10, 5.5, base.colorA(), b2)));
    assertFalse(CrowdedWorld.tooClose(base, new Style("u", ToyWorld.Texture.WAVES, 60, 8, base.colorA(), b2)));
    assertTrue(CrowdedWorld.tooClose(base, new Style("v", ToyWorld.Texture.WAVES, 170, 8, base.colorA(), b2)), "angles wrap at 180");
    assertFalse(CrowdedWorld.tooClose(base, new Style("w", ToyWorld.Texture.DOTS, 0, 8, base.colorA(), b2)));
  }

  @Test
  void heldOutOnePerStyleSpreadOverObjects() {
    List<int[]> held = W.heldOutPairs();
    assertEquals(W.numStyles(), held.size());
    int[] perObject = new int[W.numObjects()];
    Set<Integer> styles = new HashSet<>();
    for (int[] p : held) {
      perObject[p[0]]++;
      assertTrue(styles.add(p[1]));
      assertTrue(W.isHeldOut(p[0], p[1]));
    }
    for (int c : perObject) assertEquals(W.numStyles() / W.numObjects(), c);
    assertEquals(W.numObjects() * W.numStyles() - held.size(), W.trainingPairs().size());
    for (int[] p : W.trainingPairs()) assertFalse(W.isHeldOut(p[0], p[1]));
  }

  @Test
  void everyCaptionParsesBack() {
    for (int o = 0; o < W.numObjects(); o++) {
      for (int s = 0; s < W.numStyles(); s++) {
        for (Caption c : W.captions(o, s)) {
          Caption back = W.parse(c.text());
          assertNotNull(back, c.text());
          assertEquals(c.object(), back.object(), c.text());
          assertEquals(c.style(), back.style(), c.text());
        }
      }
    }
    assertEquals(null, W.parse("a zorbly star"), "a classic style is not a crowded one");
    Caption c = W.randomCaption(2, 7, new SplittableRandom(1));
    assertEquals(c, W.parse(c.text().toUpperCase(java.util.Locale.ROOT)));
  }

  @Test
  void namesParseWithClearErrors() {
    assertTrue(assertThrows(UserError.class, () -> World.named("crowded:abc:0")).getMessage().contains("integers"));
    assertTrue(assertThrows(UserError.class, () -> World.named("crowded:1:0")).getMessage().contains("number of styles"));
    assertTrue(assertThrows(UserError.class, () -> World.named("busy")).getMessage().contains("crowded:N:SEED"));
    assertTrue(assertThrows(UserError.class, () -> World.named("crowded:120")).getMessage().contains("'classic'"));
    String full = assertThrows(UserError.class, () -> World.named("crowded:240:0")).getMessage();
    assertTrue(full.contains("found only") && full.contains("fewer styles"), full);
    assertEquals(37, World.named("crowded:37:5").numStyles());
  }

  /** Inside a plain square every style shows both palette colours on a good share of the pixels. */
  @Test
  void everyStyleShowsBothColours() {
    int hw = ToyWorld.SIZE * ToyWorld.SIZE;
    float[] z = new float[3];
    ToyRenderer.Layout plain = new ToyRenderer.Layout(16, 16, 12, 0, 0, 1, 0.1, 0.3, z, z, new float[] {0.5f, 0.5f, 0.5f});
    for (Style st : W.styles()) {
      float[] img = new float[ToyWorld.PIXELS];
      ToyRenderer.render(W.objectIndex("square"), st, plain, img, 0);
      int na = 0;
      int nb = 0;
      int fg = 0;
      for (int y = 8; y < 24; y++) {
        for (int x = 8; x < 24; x++) {
          int i = y * 32 + x;
          float[] c = {img[i], img[hw + i], img[2 * hw + i]};
          fg++;
          if (CrowdedWorld.dist(c, st.colorA()) < CrowdedWorld.dist(c, st.colorB())) na++;
          else nb++;
        }
      }
      assertTrue(na > 0.1 * fg && nb > 0.1 * fg, CrowdedWorld.describe(st) + ": A " + na + ", B " + nb + " of " + fg);
    }
  }
}
