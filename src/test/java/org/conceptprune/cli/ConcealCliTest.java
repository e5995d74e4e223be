package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ModelHash;
import org.conceptprune.revival.Locations;
import org.conceptprune.revival.RevivalJob;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conceal} on tiny-sd with a patch that cuts the 20% largest |W| of every ff.net.2 row: decoys (share 0.4) keep every
 * cut weight at zero among 2.5x as many zeros, noise leaves none (so {@code revive} refuses and points to the
 * adaptive mode, which then runs), only ff.net.2 weights change, and bad input is one error line, nothing written.
 */
class ConcealCliTest {
  private static final String UNET = "unet/diffusion_pytorch_model.safetensors";
  @TempDir static Path tmp;
  static Path patch;
  static Map<String, LayerMask> cut;
  static long cutCount;

  @BeforeAll
  static void patch() {
    MaskSet masks = new MaskSet();
    String hash;
    try (SafetensorsFile f = SafetensorsFile.open(Fixtures.tinySd().resolve(UNET))) {
      hash = ModelHash.of(f);
      for (String n : f.names()) {
        int[] s = f.info(n).intShape();
        if (!RevivalJob.isTarget(n, s.length)) continue;
        float[] inv = f.floats(n);
        for (int p = 0; p < inv.length; p++) inv[p] = 1f / (1e-9f + Math.abs(inv[p])); // the largest |W| are the smallest 1/|W|
        masks.put(n.substring(0, n.length() - ".weight".length()), Locations.bottomOfRows(new LayerWeight(inv, s[0], s[1]), 0.2));
      }
    }
    cut = masks.asMap();
    cutCount = masks.overall().pruned();
    patch = tmp.resolve("top20.mask.safetensors");
    MaskPatch.write(patch, masks, Map.of(MaskPatch.BASE_MODEL_HASH, hash));
  }

  @Test
  void decoysKeepTheCutAtZeroAmongTwoAndAHalfTimesAsManyZeros() throws Exception {
    Path out = tmp.resolve("decoys");
    String before = PruneCliTest.treeHash(Fixtures.tinySd());
    CliRun r = CliRun.of("conceal", Fixtures.tinySd().toString(), "--mask", patch.toString(), "--defense", "decoys", "--share", "0.4", "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(before, PruneCliTest.treeHash(Fixtures.tinySd()), "the input changed");
    long zeros = 0;
    try (SafetensorsFile in = SafetensorsFile.open(Fixtures.tinySd().resolve(UNET)); SafetensorsFile got = SafetensorsFile.open(out.resolve(UNET))) {
      for (String n : in.names()) {
        if (!RevivalJob.isTarget(n, in.info(n).shape().length)) {
          assertEquals(in.bytes(n), got.bytes(n), n + " changed");
          continue;
        }
        float[] v = got.floats(n);
        LayerMask m = cut.get(n.substring(0, n.length() - ".weight".length()));
        for (int p = 0; p < v.length; p++) {
          if (m.get(p)) assertEquals(0f, v[p], n + "[" + p + "] was cut but is not zero");
          if (v[p] == 0f) zeros++;
        }
      }
    }
    assertEquals((long) Math.ceil(cutCount / 0.4 - 1e-9), zeros, "cut + decoys");
    JsonNode report = new ObjectMapper().readTree(tmp.resolve("decoys.report.json").toFile());
    assertEquals(cutCount, report.get("pruned_weights").asLong());
    assertEquals(zeros - cutCount, report.get("decoys").asLong());
  }

  @Test
  void noiseLeavesNoZeroSoOnlyTheAdaptiveAttackerRevives() throws Exception {
    Path out = tmp.resolve("noise");
    CliRun r = CliRun.of("conceal", Fixtures.tinySd().toString(), "--mask", patch.toString(), "--defense", "noise", "--quantile", "0.1",
        "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    try (SafetensorsFile got = SafetensorsFile.open(out.resolve(UNET))) {
      for (var e : cut.entrySet()) {
        LayerMask m = e.getValue();
        float[] v = got.floats(e.getKey() + ".weight");
        for (int i = 0; i < m.out(); i++) {
          float rowMax = 0;
          for (int j = 0; j < m.in(); j++) if (!m.get(i, j)) rowMax = Math.max(rowMax, Math.abs(v[i * m.in() + j]));
          for (int j = 0; j < m.in(); j++) {
            float x = v[i * m.in() + j];
            if (m.get(i, j)) assertTrue(x != 0f && Math.abs(x) < rowMax, e.getKey() + "[" + i + "," + j + "] = " + x + ", row max " + rowMax);
          }
        }
        // the adaptive candidates: per row the 20% cut + 10% quantile + 1 smallest cover every cut position
        LayerMask cand = Locations.bottomOfRows(new LayerWeight(v, m.out(), m.in()), 0.3 + 1.0 / m.in() + 0.1 / m.in());
        assertEquals(m.count(), cand.countAnd(m), e.getKey());
      }
    }
    CliRun.of("revive", out.toString(), "-o", tmp.resolve("naive").toString()).assertUserError("--locations bottom:F");
    assertFalse(Files.exists(tmp.resolve("naive")));
    CliRun adaptive = CliRun.of("revive", out.toString(), "--locations", "row-bottom:0.35", "--iterations", "30", "-o", tmp.resolve("adaptive").toString());
    assertEquals(0, adaptive.code(), adaptive.err());
    JsonNode rep = new ObjectMapper().readTree(tmp.resolve("adaptive.report.json").toFile());
    assertEquals("row-bottom:0.35", rep.get("locations").asText());
    assertTrue(rep.get("filled_total").asLong() > 0);
  }

  @Test
  void badInputIsOneErrorLineAndWritesNothing() throws Exception {
    Path other = tmp.resolve("other.mask.safetensors");
    MaskPatch.write(other, MaskPatch.read(patch).masks(), Map.of(MaskPatch.BASE_MODEL_HASH, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
    String m = Fixtures.tinySd().toString();
    Object[][] cases = {
        {"unknown defense 'hide' (decoys, noise or flip)", new String[] {"--mask", patch.toString(), "--defense", "hide"}},
        {"was made for another base model", new String[] {"--mask", other.toString(), "--defense", "decoys"}},
        {"--share must be in (0, 1]", new String[] {"--mask", patch.toString(), "--defense", "decoys", "--share", "0"}},
        {"--quantile must be in (0, 1]", new String[] {"--mask", patch.toString(), "--defense", "noise", "--quantile", "2"}},
        {"decoys but only", new String[] {"--mask", patch.toString(), "--defense", "decoys", "--share", "0.01"}},
    };
    for (Object[] c : cases) {
      String[] more = (String[]) c[1];
      String[] args = new String[more.length + 4];
      args[0] = "conceal";
      args[1] = m;
      System.arraycopy(more, 0, args, 2, more.length);
      args[more.length + 2] = "-o";
      args[more.length + 3] = tmp.resolve("bad").toString();
      CliRun.of(args).assertUserError((String) c[0]);
      assertFalse(Files.exists(tmp.resolve("bad")), c[0] + ": wrote OUT");
      assertFalse(Files.exists(tmp.resolve("bad.report.json")), c[0] + ": wrote the report");
    }
    Path exists = Files.createDirectories(tmp.resolve("exists"));
    CliRun.of("conceal", m, "--mask", patch.toString(), "--defense", "noise", "-o", exists.toString()).assertUserError("already exists");
  }

}
