package org.conceptprune.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The classic world is bit-identical to the one before worlds became values: the hashes below were
 * taken on the static ToyWorld / ToyRenderer of commit 6fdab41 (captions, held-out and training pairs,
 * a random-caption stream, renders of every pair, and the trainer's random images).
 */
class ClassicWorldTest {
  private static final World CLASSIC = World.classic();
  static final String CAPTIONS = "3a9795b06322f688748f03f59b1352be7cef93791da8fcfdf60895d1463c14c7";
  static final String PAIRS = "ebac12ac5f99f7a5d34fd5d7bf11fc4e172b34b3467988cc5b6934528913e517";
  static final String CAPTION_STREAM = "eb00461ea5da7004a03b12ad7733f10c9acc55a838255418a85e9cbc8edc998a";
  static final String RENDERS = "7e6e756828d662ed6e2ee03dc4371bae6874bff2de2cc94e6276984177a3102d";
  static final String TRAINER_IMAGES = "660fa2e7721b95aff5a05320ed1f20b934c8bbebd13ed3d3bfba6f685f9e8539";

  static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static String sha(String s) throws Exception {
    return sha(s.getBytes(StandardCharsets.UTF_8));
  }

  static String sha(float[] v) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4);
    for (float f : v) b.putFloat(f);
    return sha(b.array());
  }

  static String captions() {
    StringBuilder sb = new StringBuilder();
    for (int o = 0; o < CLASSIC.numObjects(); o++) {
      for (int s = 0; s < CLASSIC.numStyles(); s++) {
        for (Caption c : CLASSIC.captions(o, s)) sb.append(c.text()).append('|').append(c.object()).append(c.style()).append('\n');
      }
    }
    return sb.toString();
  }

  static String pairs() {
    StringBuilder sb = new StringBuilder("held");
    for (int[] p : CLASSIC.heldOutPairs()) sb.append(' ').append(p[0]).append(',').append(p[1]);
    sb.append("\ntrain");
    for (int[] p : CLASSIC.trainingPairs()) sb.append(' ').append(p[0]).append(',').append(p[1]);
    return sb.toString();
  }

  static String captionStream() {
    SplittableRandom r = new SplittableRandom(5);
    List<int[]> pairs = CLASSIC.trainingPairs();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      int[] p = pairs.get(r.nextInt(pairs.size()));
      sb.append(CLASSIC.randomCaption(p[0], p[1], r).text()).append('\n');
    }
    return sb.toString();
  }

  static float[] renders() {
    int n = CLASSIC.numObjects() * CLASSIC.numStyles();
    int[] ob = new int[n];
    int[] st = new int[n];
    for (int i = 0; i < n; i++) {
      ob[i] = i / CLASSIC.numStyles();
      st[i] = i % CLASSIC.numStyles();
    }
    return ToyRenderer.renderBatch(ob, st, new SplittableRandom(11));
  }

  @Test
  void classicWorldIsUnchanged() throws Exception {
    String[] got = {sha(captions()), sha(pairs()), sha(captionStream()), sha(renders()),
        sha(ToyTrainer.images(World.classic(), 64, new SplittableRandom(3)))};
    System.out.println("[golden] classic world hashes " + String.join(" ", got));
    assertEquals(CAPTIONS, got[0], "captions");
    assertEquals(PAIRS, got[1], "held-out and training pairs");
    assertEquals(CAPTION_STREAM, got[2], "random captions");
    assertEquals(RENDERS, got[3], "renders");
    assertEquals(TRAINER_IMAGES, got[4], "trainer images");
  }
}
