package org.conceptprune.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bitset masks, the vote union, the patch file and the statistics file. */
class MaskPatchTest {
  @TempDir Path tmp;

  static LayerMask random(int out, int in, long seed, double p) {
    Random r = new Random(seed);
    LayerMask m = new LayerMask(out, in);
    for (int q = 0; q < m.numel(); q++) if (r.nextDouble() < p) m.set(q);
    return m;
  }

  @Test
  void packedBitsAreLsbFirstRowMajor() {
    LayerMask m = new LayerMask(3, 5); // 15 bits -> 2 bytes
    m.set(0, 0); // p 0 -> byte 0 bit 0
    m.set(1, 3); // p 8 -> byte 1 bit 0
    m.set(2, 4); // p 14 -> byte 1 bit 6
    assertArrayEquals(new byte[] {0x01, 0x41}, m.toPackedBits());
    assertEquals(m, LayerMask.fromPackedBits(3, 5, m.toPackedBits()));
    assertThrows(IllegalArgumentException.class, () -> LayerMask.fromPackedBits(3, 5, new byte[] {0, (byte) 0x80}));
    byte[] u8 = m.toU8();
    assertEquals(1, u8[14]);
    assertEquals(m, LayerMask.fromU8(3, 5, u8));
    assertEquals(3, m.count());
  }

  @Test
  void applyZeroesThePrunedWeightsOnly() {
    LayerMask m = new LayerMask(2, 2);
    m.set(0, 1);
    float[] w = {1, 2, 3, 4};
    m.applyTo(w);
    assertArrayEquals(new float[] {1, 0, 3, 4}, w);
  }

  @Test
  void voteThreshold() {
    // weight p skilled in p of the 4 calls (p = 0..4)
    List<LayerMask> calls = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      LayerMask m = new LayerMask(1, 5);
      for (int p = 0; p < 5; p++) if (t < p) m.set(p);
      calls.add(m);
    }
    assertEquals("[0, 1, 1, 1, 1]", bits(CallUnion.union(calls))); // rho 0: OR
    assertEquals("[0, 1, 1, 1, 1]", bits(CallUnion.union(calls, 0.2))); // > 0.8
    assertEquals("[0, 0, 0, 1, 1]", bits(CallUnion.union(calls, 0.5))); // > 2
    assertEquals("[0, 0, 0, 0, 1]", bits(CallUnion.union(calls, 0.75))); // > 3
    assertThrows(IllegalArgumentException.class, () -> CallUnion.union(calls, 1.0));
  }

  private static String bits(LayerMask m) {
    int[] b = new int[m.numel()];
    for (int p = 0; p < b.length; p++) b[p] = m.get(p) ? 1 : 0;
    return java.util.Arrays.toString(b);
  }

  @Test
  void densityPerLayerAndOverall() {
    MaskSet s = new MaskSet();
    LayerMask a = new LayerMask(2, 4);
    a.set(0, 0);
    a.set(1, 1);
    s.put("a", a).put("b", new LayerMask(4, 4));
    assertEquals(0.25, s.density().get(0).fraction());
    assertEquals(0.0, s.density().get(1).fraction());
    assertEquals(2, s.overall().pruned());
    assertEquals(24, s.overall().total());
    assertEquals(0.002, s.overall(1000).fraction());
  }

  @Test
  void patchRoundTrip() {
    MaskSet s = new MaskSet();
    s.put("down_blocks.0.attentions.0.transformer_blocks.0.ff.net.2", random(32, 128, 1, 0.03));
    s.put("mid_block.attentions.0.transformer_blocks.0.ff.net.2", random(7, 13, 2, 0.5)); // 91 bits
    s.put("empty", new LayerMask(0, 4));
    Path f = tmp.resolve("patch.safetensors");
    MaskPatch.write(f, s, Map.of(MaskPatch.BASE_MODEL_HASH, "sha256:abc",
        MaskPatch.SETTINGS, "{\"k\":0.02,\"t_hat\":10}"));
    MaskPatch p = MaskPatch.read(f);
    assertEquals(s.layers(), p.masks().layers());
    for (String l : s.layers()) assertEquals(s.get(l), p.masks().get(l));
    assertEquals("sha256:abc", p.metadata().get(MaskPatch.BASE_MODEL_HASH));
    assertEquals(MaskPatch.FORMAT, p.metadata().get(MaskPatch.FORMAT_KEY));
  }

  private Path patch(String name, byte[] bits, long[] shape) {
    Path f = tmp.resolve(name);
    new SafetensorsWriter().metadata(MaskPatch.FORMAT_KEY, MaskPatch.FORMAT)
        .addBytes("layer.mask_bits", DType.U8, new long[] {bits.length}, bits)
        .addLongs("layer.mask_shape", new long[] {shape.length}, shape)
        .write(f);
    return f;
  }

  @Test
  void corruptPatchesAreUserErrors() {
    UserError e = assertThrows(UserError.class, () -> MaskPatch.read(patch("short.safetensors", new byte[1], new long[] {3, 5})));
    assertTrue(e.getMessage().contains("short.safetensors"), e.getMessage());
    assertTrue(e.getMessage().contains("layer.mask_bits"), e.getMessage());
    e = assertThrows(UserError.class, () -> MaskPatch.read(patch("pad.safetensors", new byte[] {0, (byte) 0x80}, new long[] {3, 5})));
    assertTrue(e.getMessage().contains("pad bits"), e.getMessage());
    e = assertThrows(UserError.class, () -> MaskPatch.read(patch("shape.safetensors", new byte[2], new long[] {15})));
    assertTrue(e.getMessage().contains("layer.mask_shape"), e.getMessage());
    assertFalse(e.getMessage().isEmpty());
    Path plain = tmp.resolve("plain.safetensors");
    new SafetensorsWriter().addFloats("w", new long[] {1}, new float[] {1}).write(plain);
    e = assertThrows(UserError.class, () -> MaskPatch.read(plain));
    assertTrue(e.getMessage().contains("not a mask patch"), e.getMessage());
  }

  @Test
  void statsRoundTripAndDeriveMasks() {
    int calls = 3;
    int out = 4;
    int in = 50;
    Random r = new Random(3);
    float[] t = new float[calls * in];
    float[] b = new float[calls * in];
    float[] w = new float[out * in];
    for (int p = 0; p < t.length; p++) {
      t[p] = r.nextFloat();
      b[p] = r.nextFloat();
    }
    for (int p = 0; p < w.length; p++) w[p] = (float) r.nextGaussian();
    PruneStats s = new PruneStats().put("l", new PruneStats.Layer(calls, in, t, b));
    Path f = tmp.resolve("stats.safetensors");
    s.write(f, Map.of("model", "tiny"));
    PruneStats back = PruneStats.read(f);
    assertEquals("tiny", back.metadata().get("model"));
    assertArrayEquals(t, back.layer("l").target());
    assertArrayEquals(b, back.layer("l").reference());
    WeightSource ws = layer -> new LayerWeight(w, out, in);
    MaskSet m = back.maskFor(ws, 0.1, 3, 0.0, Variant.SKILLED);
    LayerMask want = new LayerMask(out, in);
    for (int c = 0; c < calls; c++) {
      want.or(SkilledNeurons.skilled(w, out, in, java.util.Arrays.copyOfRange(t, c * in, (c + 1) * in),
          java.util.Arrays.copyOfRange(b, c * in, (c + 1) * in), 0.1));
    }
    assertEquals(want, m.get("l"));
    assertTrue(want.count() > 0);
    assertThrows(UserError.class, () -> back.maskFor(ws, 0.1, 4, 0.0, Variant.SKILLED));
  }

  @Test
  void negativeStatisticsAreUserErrors() {
    Path f = tmp.resolve("bad.safetensors");
    new SafetensorsWriter().addFloats("target.l", new long[] {1, 2}, new float[] {1, Float.NaN})
        .addFloats("reference.l", new long[] {1, 2}, new float[] {1, 1}).write(f);
    UserError e = assertThrows(UserError.class, () -> PruneStats.read(f));
    assertTrue(e.getMessage().contains("target.l"), e.getMessage());
    Path g = tmp.resolve("lonely.safetensors");
    new SafetensorsWriter().addFloats("target.l", new long[] {1, 2}, new float[] {1, 1}).write(g);
    e = assertThrows(UserError.class, () -> PruneStats.read(g));
    assertTrue(e.getMessage().contains("reference.l"), e.getMessage());
  }
}
