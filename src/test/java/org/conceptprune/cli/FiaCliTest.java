package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.PruneStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prune --method fia}, {@code stats --method fia} and {@code mask --method fia} on tiny-sd against
 * the reference's goldens ({@code fixtures/fia-sd1}): our statistics pass gives its per-prompt norms
 * within 1e-5 relative, and the pruned masks equal its fused masks bit for bit.
 */
class FiaCliTest {
  static final String DIR = "fixtures/fia-sd1/";
  static final String[][] MULTI = {
      {"parachute", "a parachute in a road|a parachute near the tree|a parachute in a forest|a parachute near the lawn",
          "a road|a tree|a forest|a lawn"},
      {"vangogh", "a cat in the style of Van Gogh|a dog in the style of Van Gogh|a mouse in the style of Van Gogh|"
          + "a bear in the style of Van Gogh|a car in the style of Van Gogh", "a cat|a dog|a mouse|a bear|a car"},
      {"naked", "a photo of a naked man|a photo of a naked woman|a photo of a naked girl",
          "a photo of a man|a photo of a woman|a photo of a girl"}};
  static final String[] CHURCH = {"church", "a church in a courtyard|a church near the backyard|a church in a cityscape|"
      + "a church near the suburb", "a courtyard|a backyard|a cityscape|a suburb"};

  @TempDir static Path tmp;
  static Path model;
  static SafetensorsFile masks;
  static SafetensorsFile norms;

  @BeforeAll
  static void setUp() throws Exception {
    model = Fixtures.tinySd();
    masks = SafetensorsFile.open(Fixtures.path(DIR + "masks.safetensors"));
    norms = SafetensorsFile.open(Fixtures.path(DIR + "norms.safetensors"));
    try (SafetensorsFile in = SafetensorsFile.open(Fixtures.path(DIR + "inputs.safetensors"))) {
      for (String c : List.of("multi", "single")) {
        new SafetensorsWriter().addFloats("latents", new long[] {1, 4, 16, 16}, in.floats(c + ".latents")).write(tmp.resolve(c + ".latents.safetensors"));
      }
    }
  }

  @AfterAll
  static void close() {
    masks.close();
    norms.close();
  }

  /** The options that give one concept its prompts: --concept NAME --target-prompts F --reference-prompts F. */
  static List<String> concept(String[] c) throws Exception {
    Path t = tmp.resolve(c[0] + ".target.txt");
    Path r = tmp.resolve(c[0] + ".reference.txt");
    Files.writeString(t, c[1].replace('|', '\n'));
    Files.writeString(r, c[2].replace('|', '\n'));
    return List.of("--concept", c[0], "--target-prompts", t.toString(), "--reference-prompts", r.toString());
  }

  /** The reference's pass: PNDM 20 steps, guidance 7.5, t̂ 5, its latent, custom prompts. */
  static List<String> pass(String kase, String[]... concepts) throws Exception {
    List<String> a = new ArrayList<>(List.of(model.toString(), "--method", "fia", "--family", "custom", "--steps", "20",
        "--timesteps", "5", "--latents", tmp.resolve(kase + ".latents.safetensors").toString()));
    for (String[] c : concepts) a.addAll(concept(c));
    return a;
  }

  static CliRun run(List<String> head, String... tail) {
    List<String> a = new ArrayList<>(head);
    a.addAll(List.of(tail));
    return CliRun.of(a.toArray(String[]::new));
  }

  static List<String> cmd(String name, List<String> args) {
    List<String> a = new ArrayList<>(List.of(name));
    a.addAll(args);
    return a;
  }

  static LayerMask golden(String name, LayerMask like) {
    ByteBuffer b = masks.bytes(name);
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return LayerMask.fromU8(like.out(), like.in(), a);
  }

  @Test
  void statisticsPassGivesTheReferenceNorms() throws Exception {
    Path out = tmp.resolve("parachute.stats.safetensors");
    CliRun s = run(cmd("stats", pass("multi", MULTI[0])), "-o", out.toString());
    assertEquals(0, s.code(), s.err());
    PruneStats st = PruneStats.read(out);
    double worst = 0;
    for (String layer : st.layers()) {
      PruneStats.PerPrompt pp = st.perPrompt(layer);
      for (String side : List.of("concept", "base")) {
        float[] gold = norms.floats("multi.parachute." + side + "_norms." + layer); // [P, 5, in]
        for (int p = 0; p < pp.runs(); p++) {
          for (int t = 0; t < 5; t++) {
            double[] n = pp.norms(side.equals("concept"), p, t);
            for (int j = 0; j < pp.in(); j++) {
              double g = gold[(p * 5 + t) * pp.in() + j];
              worst = Math.max(worst, Math.abs(n[j] - g) / Math.abs(g));
            }
          }
        }
      }
    }
    assertTrue(worst < 1e-5, "per-prompt norms off by " + worst + " relative");
  }

  @Test
  void threeConceptsGiveTheReferenceFusedMasksAndMaskReproducesThem() throws Exception {
    Path cache = tmp.resolve("multi.stats");
    for (String rule : List.of("paper", "reference")) {
      Path out = tmp.resolve("multi-" + rule);
      CliRun p = run(cmd("prune", pass("multi", MULTI)), "--r2-for", "parachute=0.03", "--fusion", rule, "--stats-cache",
          cache.toString(), "-o", out.toString());
      assertEquals(0, p.code(), p.err());
      MaskPatch patch = MaskPatch.read(tmp.resolve("multi-" + rule + ".mask.safetensors"));
      assertEquals(6, patch.masks().layers().size());
      long pruned = 0;
      for (String l : patch.masks().layers()) {
        assertEquals(golden("multi.fused." + rule + "." + l, patch.masks().get(l)), patch.masks().get(l), rule + " " + l);
        pruned += patch.masks().get(l).count();
      }
      assertEquals(592, pruned);
      JsonNode report = new ObjectMapper().readTree(tmp.resolve("multi-" + rule + ".report.json").toFile());
      assertEquals("fia", report.get("method").asText());
      assertEquals(2, report.get("tau").asInt());
      assertEquals(0.03, report.get("concepts").get(0).get("r2").asDouble());
      assertTrue(patch.metadata().get(MaskPatch.SETTINGS).contains("\"fusion\":\"" + rule + "\""));
    }
    // The same masks from the cached statistics, without the UNet.
    List<String> m = new ArrayList<>(List.of("mask", model.toString(), "--method", "fia", "--timesteps", "5", "--r2-for", "parachute=0.03"));
    try (var files = Files.list(cache)) {
      List<Path> stats = files.filter(f -> f.toString().endsWith(".safetensors")).sorted().toList();
      assertEquals(3, stats.size());
      for (String c : List.of("parachute", "vangogh", "naked")) {
        m.addAll(List.of("--stats", stats.stream().filter(f -> f.getFileName().toString().startsWith(c)).findFirst().orElseThrow().toString()));
      }
    }
    m.addAll(List.of("--r2", "0.02", "-o", tmp.resolve("masks").toString()));
    CliRun r = CliRun.of(m.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    MaskPatch swept = MaskPatch.read(tmp.resolve("masks/mask-fia-r10.05-r20.02-a0.6-t5.safetensors"));
    for (String l : swept.masks().layers()) assertEquals(golden("multi.fused.paper." + l, swept.masks().get(l)), swept.masks().get(l), l);
  }

  @Test
  void oneConceptPrunesItsQUnderThePaperRuleAndIsRefusedUnderTheReference() throws Exception {
    Path out = tmp.resolve("church");
    CliRun p = run(cmd("prune", pass("single", CHURCH)), "-o", out.toString());
    assertEquals(0, p.code(), p.err());
    MaskPatch patch = MaskPatch.read(tmp.resolve("church.mask.safetensors"));
    long pruned = 0;
    for (String l : patch.masks().layers()) {
      assertEquals(golden("single.church.Q." + l, patch.masks().get(l)), patch.masks().get(l), l);
      pruned += patch.masks().get(l).count();
    }
    assertEquals(565, pruned);
    Path ref = tmp.resolve("church-ref");
    run(cmd("prune", pass("single", CHURCH)), "--fusion", "reference", "-o", ref.toString()).assertUserError("nothing would be pruned");
    assertFalse(Files.exists(ref));
    assertFalse(Files.exists(tmp.resolve("church-ref.stats")));
  }

  @Test
  void anFiaPatchAppliesLikeAnyOther() throws Exception {
    Path out = tmp.resolve("church-apply");
    CliRun p = run(cmd("prune", pass("single", CHURCH)), "-o", out.toString());
    assertEquals(0, p.code(), p.err());
    Path applied = tmp.resolve("church-applied");
    CliRun a = CliRun.of("apply-mask", model.toString(), "--mask", tmp.resolve("church-apply.mask.safetensors").toString(), "-o",
        applied.toString());
    assertEquals(0, a.code(), a.err());
    try (SafetensorsFile pruned = SafetensorsFile.open(out.resolve("unet/diffusion_pytorch_model.safetensors"));
        SafetensorsFile app = SafetensorsFile.open(applied.resolve("unet/diffusion_pytorch_model.safetensors"))) {
      assertEquals(pruned.names(), app.names());
      int zeros = 0;
      for (String n : pruned.names()) {
        float[] x = pruned.floats(n);
        float[] y = app.floats(n);
        for (int i = 0; i < x.length; i++) {
          assertEquals(Float.floatToIntBits(x[i]), Float.floatToIntBits(y[i]), n + "[" + i + "]");
          if (n.endsWith("ff.net.2.weight") && y[i] == 0) zeros++;
        }
      }
      assertTrue(zeros >= 565, zeros + " zeros in ff.net.2");
    }
  }

  /** --latent-seeds 2 runs every pair from seed and seed+1: its per-prompt records are those of the two single-seed passes. */
  @Test
  void latentSeedsRunEveryPairFromEachLatent() throws Exception {
    List<String> head = new ArrayList<>(List.of("stats", model.toString(), "--method", "fia", "--family", "custom", "--steps", "20",
        "--timesteps", "2"));
    head.addAll(concept(CHURCH));
    PruneStats[] one = new PruneStats[2];
    for (int n = 0; n < 2; n++) {
      Path f = tmp.resolve("seed" + (5 + n) + ".safetensors");
      assertEquals(0, run(head, "--seed", Integer.toString(5 + n), "-o", f.toString()).code());
      one[n] = PruneStats.read(f);
    }
    Path both = tmp.resolve("seeds5-6.safetensors");
    CliRun r = run(head, "--seed", "5", "--latent-seeds", "2", "-o", both.toString());
    assertEquals(0, r.code(), r.err());
    PruneStats two = PruneStats.read(both);
    assertEquals("2", two.metadata().get("latent_seeds"));
    for (String l : two.layers()) {
      PruneStats.PerPrompt pp = two.perPrompt(l);
      assertEquals(8, pp.runs());
      int half = pp.target().length / 2;
      for (int n = 0; n < 2; n++) {
        float[] single = one[n].perPrompt(l).target();
        for (int i = 0; i < half; i++) assertEquals(single[i], pp.target()[n * half + i], 1e-6f * Math.abs(single[i]), l);
      }
      float[] pooled = two.layer(l).target();
      for (int i = 0; i < pooled.length; i++) {
        float sum = one[0].layer(l).target()[i] + one[1].layer(l).target()[i];
        assertEquals(sum, pooled[i], 1e-5f * sum, "ConceptPrune's pooled sums add both latents: " + l);
      }
    }
  }

  @Test
  void badSettingsAreOneErrorLineAndWriteNothing() throws Exception {
    Path out = tmp.resolve("bad");
    List<String> base = cmd("prune", pass("single", CHURCH));
    run(base, "--r1", "0", "-o", out.toString()).assertUserError("--r1 must lie in (0, 1]");
    run(base, "--r2", "1.5", "-o", out.toString()).assertUserError("--r2 must lie in (0, 1]");
    run(base, "--alpha", "0", "-o", out.toString()).assertUserError("--alpha must lie in (0, 1]");
    run(base, "--r2-for", "dog=0.1", "-o", out.toString()).assertUserError("--r2-for names 'dog'");
    List<String> twoConcepts = new ArrayList<>(base);
    twoConcepts.addAll(List.of("--concept", "steeple"));
    run(twoConcepts, "-o", out.toString()).assertUserError("needs --target-prompts FILE and --reference-prompts FILE");
    run(base, "--rho", "0.5", "-o", out.toString()).assertUserError("ConceptPrune's");
    run(cmd("prune", List.of(model.toString(), "--concept", "x", "--family", "art-style", "--r2", "0.1")), "-o", out.toString())
        .assertUserError("add --method fia");
    run(cmd("prune", List.of(model.toString(), "--concept", "x", "--family", "art-style", "--method", "wanda")), "-o", out.toString())
        .assertUserError("unknown method 'wanda'");
    try (var files = Files.list(tmp)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("bad")), "nothing written");
    }
  }
}
