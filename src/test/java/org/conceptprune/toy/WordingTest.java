package org.conceptprune.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.conceptprune.model.clip.ClipTokenizer;
import org.conceptprune.toy.ToyWorld.Style;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Varied training captions: same content as the grammar's, other words; the grammar path draws as before. */
class WordingTest {
  static final World W = World.classic();

  @Test
  void grammarDrawsExactlyWhatTheWorldDraws() {
    SplittableRandom a = new SplittableRandom(7);
    SplittableRandom b = new SplittableRandom(7);
    for (int i = 0; i < 500; i++) {
      int o = i % W.numObjects();
      int s = i % W.numStyles();
      assertEquals(W.randomCaption(o, s, a).text(), Wording.GRAMMAR.trainingCaption(W, o, s, b));
    }
    assertEquals(a.nextLong(), b.nextLong()); // same draws consumed
  }

  @Test
  void variedRewordsHalfAndKeepsWhatTheCaptionNames() {
    SplittableRandom r = new SplittableRandom(3);
    int star = W.objects().indexOf("star");
    int z = W.styleNames().indexOf("zorbly");
    Set<String> grammar = new HashSet<>();
    for (Caption c : W.captions(star, z)) grammar.add(c.text());
    Set<String> all = new HashSet<>(Wording.VARIED.texts(W, star, z));
    Set<String> seen = new HashSet<>();
    int reworded = 0;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      String t = Wording.VARIED.trainingCaption(W, star, z, r);
      assertTrue(all.contains(t), t);
      assertTrue(t.contains("star") || t.contains("zorbly"), t);
      if (!grammar.contains(t)) reworded++;
      seen.add(t);
    }
    assertEquals(0.5, reworded / (double) n, 0.03);
    assertEquals(all.size(), seen.size()); // every phrasing occurs
    assertEquals(4 + Wording.BOTH.size() + Wording.OBJECT.size() + Wording.STYLE.size(), all.size());
    // a phrasing of a kind names exactly what that kind names
    for (String f : Wording.OBJECT) assertFalse(String.format(f, "star", "zorbly").contains("zorbly"), f);
    for (String f : Wording.STYLE) assertFalse(String.format(f, "star", "zorbly").contains("star"), f);
    for (String f : Wording.BOTH) {
      String t = String.format(f, "star", "zorbly");
      assertTrue(t.contains("star") && t.contains("zorbly"), f);
    }
  }

  @Test
  void everyPhrasingTokenizesWithoutUnknownsInTheToyTokenizer(@TempDir Path dir) {
    ToyDesign.defaults().writeConfigs(dir, 1.0);
    ClipTokenizer tok = ClipTokenizer.load(dir.resolve("tokenizer"));
    for (String t : Wording.VARIED.texts(W, 3, 5)) {
      ClipTokenizer.Encoding e = tok.encode(t);
      assertEquals(t, tok.decode(e.ids()).strip().replace(" ,", ","), "round trip"); // CLIP's unk is its end token: decode to check
      assertFalse(e.truncated(), t);
    }
  }

  @Test
  void aWorldWithAStyleNamedLikeAPhrasingWordCannotBeVaried() {
    Style s = new Style("picture", ToyWorld.Texture.STRIPES, 0, 8, new float[] {0.9f, 0.1f, 0.1f}, new float[] {0.1f, 0.1f, 0.9f});
    World w = new World("test", World.OBJECTS, List.of(s), new int[0][]);
    Wording.GRAMMAR.requireFits(w);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Wording.VARIED.requireFits(w));
    assertTrue(e.getMessage().contains("'picture'"), e.getMessage());
    Wording.VARIED.requireFits(W);
    Wording.VARIED.requireFits(World.crowded(120, 0));
  }
}
