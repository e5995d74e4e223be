package org.conceptprune.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.io.safetensors.TensorInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Masks derived from the stored statistics are bit-identical to every golden mask (README §2). */
class GoldenMaskTest {
  private static final String DIR = "fixtures/conceptprune-sd1/";
  private static final Pattern UNION = Pattern.compile(
      "(A|B|multi\\.AB)\\.(unskilled\\.)?(tokennorm|raw)\\.k(\\d+\\.\\d+)\\.that(\\d+)\\.(.+)");
  private static final Pattern PER_CALL =
      Pattern.compile("(A|B)\\.(tokennorm|raw)\\.k(\\d+\\.\\d+)\\.t(\\d+)\\.(.+)");

  private static SafetensorsFile unet;
  private static SafetensorsFile stats;
  private static WeightSource weights;
  private static final Map<String, MaskSet> cache = new HashMap<>();

  @BeforeAll
  static void open() {
    unet = SafetensorsFile.open(Fixtures.path("fixtures/tiny-sd/unet/diffusion_pytorch_model.safetensors"));
    stats = SafetensorsFile.open(Fixtures.path(DIR + "stats.safetensors"));
    weights = WeightSource.of(unet);
  }

  @AfterAll
  static void close() {
    unet.close();
    stats.close();
  }

  /** PruneStats of one concept and statistic: target = {C}.target.{stat}.*, reference = {C}.base.{stat}.*. */
  static PruneStats concept(String c, String stat) {
    PruneStats s = new PruneStats();
    String prefix = c + ".target." + stat + ".";
    for (String n : stats.names()) {
      if (!n.startsWith(prefix)) continue;
      String layer = n.substring(prefix.length());
      int[] shape = stats.info(n).intShape(); // [12, in]
      s.put(layer, new PruneStats.Layer(shape[0], shape[1], stats.floats(n),
          stats.floats(c + ".base." + stat + "." + layer)));
    }
    assertEquals(6, s.layers().size());
    return s;
  }

  private static MaskSet derived(String concept, String stat, double k, int tHat, Variant v) {
    String key = concept + stat + k + "/" + tHat + v;
    return cache.computeIfAbsent(key, x -> {
      if (concept.equals("multi.AB")) {
        return Masks.or(List.of(derived("A", stat, k, tHat, v), derived("B", stat, k, tHat, v)));
      }
      return concept(concept, stat).maskFor(weights, k, tHat, 0.0, v);
    });
  }

  private static LayerMask golden(SafetensorsFile f, String name) {
    TensorInfo t = f.info(name);
    int[] s = t.intShape();
    return LayerMask.fromU8(s[0], s[1], TensorCodec.toBytes(f.bytes(name)));
  }

  @Test
  void everyUnionMaskMatches() {
    int matched = 0;
    List<String> mismatches = new ArrayList<>();
    try (SafetensorsFile masks = SafetensorsFile.open(Fixtures.path(DIR + "masks.safetensors"))) {
      for (String name : masks.names()) {
        Matcher m = UNION.matcher(name);
        assertTrue(m.matches(), "unparsed golden name " + name);
        Variant v = m.group(2) == null ? Variant.SKILLED : Variant.UNSKILLED;
        LayerMask got = derived(m.group(1), m.group(3), Double.parseDouble(m.group(4)),
            Integer.parseInt(m.group(5)), v).get(m.group(6));
        LayerMask want = golden(masks, name);
        if (got.equals(want)) matched++;
        else mismatches.add(name + " (want " + want.count() + ", got " + got.count() + ")");
      }
      assertEquals(126, masks.names().size());
    }
    System.out.println("GoldenMaskTest: " + matched + " union masks bit-identical");
    assertTrue(mismatches.isEmpty(), "mismatching masks: " + mismatches);
  }

  @Test
  void everyPerCallMaskMatches() {
    int matched = 0;
    List<String> mismatches = new ArrayList<>();
    try (SafetensorsFile masks = SafetensorsFile.open(Fixtures.path(DIR + "masks_per_call.safetensors"))) {
      for (String name : masks.names()) {
        Matcher m = PER_CALL.matcher(name);
        assertTrue(m.matches(), "unparsed golden name " + name);
        String layer = m.group(5);
        LayerMask got = concept(m.group(1), m.group(2)).callMask(layer, weights.weight(layer),
            Integer.parseInt(m.group(4)), Double.parseDouble(m.group(3)), Variant.SKILLED);
        LayerMask want = golden(masks, name);
        if (got.equals(want)) matched++;
        else mismatches.add(name);
      }
      assertEquals(60, masks.names().size());
    }
    System.out.println("GoldenMaskTest: " + matched + " per-call masks bit-identical");
    assertTrue(mismatches.isEmpty(), "mismatching masks: " + mismatches);
  }

  @Test
  void densitiesMatchTheIndex() {
    // index.json notes.densities: pruned entries of the 36,864 ff.net.2 weights
    MaskSet m = derived("A", "tokennorm", 0.02, 10, Variant.SKILLED);
    assertEquals(336, m.overall().pruned());
    assertEquals(36864, m.overall().total());
    assertEquals(1009, derived("A", "raw", 0.05, 10, Variant.SKILLED).overall().pruned());
    assertEquals(360, derived("B", "tokennorm", 0.02, 10, Variant.SKILLED).overall().pruned());
    assertEquals(529, derived("A", "tokennorm", 0.02, 10, Variant.UNSKILLED).overall().pruned());
  }

  @Test
  void perCallUnionIsTheTHat10Mask() {
    PruneStats a = concept("A", "tokennorm");
    String layer = "mid_block.attentions.0.transformer_blocks.0.ff.net.2";
    List<LayerMask> perCall = new ArrayList<>();
    for (int t = 0; t < 10; t++) perCall.add(a.callMask(layer, weights.weight(layer), t, 0.02, Variant.SKILLED));
    assertEquals(derived("A", "tokennorm", 0.02, 10, Variant.SKILLED).get(layer), CallUnion.union(perCall));
  }
}
