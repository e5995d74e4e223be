package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.conceptprune.Fixtures;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.util.AtomicFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs are never modified: every command run with a hostile output path (the input itself, a file
 * inside it, a folder holding it) gives one {@code error:} line, and the input model hashes the same
 * before and after. Plus the other holes of issue 12: late "already exists" checks, leftovers of a
 * failed apply-mask, silent k with nothing to prune, folder permissions and the patch's settings.
 */
class CliSafetyTest {
  @TempDir static Path tmp;
  static Path model; // a copy of tiny-sd: the input every case tries to overwrite
  static Path patch;
  static Path words;
  static CliRun pruned;

  @BeforeAll
  static void setUp() throws Exception {
    model = tmp.resolve("m");
    copyTree(Fixtures.tinySd(), model);
    words = tmp.resolve("things.txt");
    Files.writeString(words, "cat\ndog\n");
    pruned = CliRun.of(prune(tmp.resolve("p"), "--k", "0.05").toArray(String[]::new));
    patch = tmp.resolve("p.mask.safetensors");
  }

  /** prune on the model copy with small settings (2 pairs, t̂ = 2, 4 PNDM steps) plus extra arguments. */
  static List<String> prune(Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("prune", model.toString(), "--concept", "Van Gogh", "--family", "art-style",
        "--words", words.toString(), "--timesteps", "2", "--steps", "4", "-o", out.toString()));
    a.addAll(List.of(extra));
    return a;
  }

  record Case(String name, String mentions, List<String> args) {}

  static Case c(String name, String mentions, String... args) {
    return new Case(name, mentions, List.of(args));
  }

  static List<Case> hostile() {
    String m = model.toString();
    String unetFile = model.resolve("unet/diffusion_pytorch_model.safetensors").toString();
    String stats = tmp.resolve("p.stats").toString();
    List<Case> cases = new ArrayList<>();
    List<String> maskOut = prune(tmp.resolve("q"), "--mask-out", unetFile);
    cases.add(new Case("prune --mask-out = a file of the input", "lies inside the input model", maskOut));
    cases.add(new Case("prune -o = the input", "is the input model", prune(model)));
    cases.add(new Case("prune -o inside the input", "lies inside the input model", prune(model.resolve("unet/pruned"))));
    cases.add(new Case("prune -o = the folder holding the input", "contains the input model", prune(tmp, "--overwrite")));
    cases.add(new Case("prune --stats-cache inside the input", "lies inside", prune(tmp.resolve("q2"), "--stats-cache", model.resolve("unet").toString())));
    cases.add(new Case("prune -o = --words", "is --words", prune(words, "--overwrite")));
    cases.add(new Case("prune -o exists: refused before the statistics pass", "already exists", prune(tmp.resolve("p"))));
    cases.add(c("stats -o inside the input", "lies inside the input model", "stats", m, "--concept", "x", "--family", "art-style", "-o", model.resolve("unet/s.safetensors").toString()));
    cases.add(c("mask -o = a folder of the input", "lies inside the input model", "mask", m, "--stats", stats, "--k", "0.05", "--timesteps", "2", "-o", model.resolve("unet").toString()));
    cases.add(c("mask -o = --stats", "is --stats", "mask", m, "--stats", stats, "--k", "0.05", "--timesteps", "2", "-o", stats));
    cases.add(c("apply-mask -o = the input", "is the input model", "apply-mask", m, "--mask", patch.toString(), "-o", m, "--overwrite"));
    cases.add(c("apply-mask -o = --mask", "is --mask", "apply-mask", m, "--mask", patch.toString(), "-o", patch.toString(), "--overwrite"));
    cases.add(c("revive -o = the input", "is the input model", "revive", m, "-o", m, "--overwrite"));
    cases.add(c("revive -o inside the input", "lies inside the input model", "revive", m, "-o", model.resolve("unet/r").toString()));
    cases.add(c("revive --locations = -o", "is --locations", "revive", m, "--locations", patch.toString(), "-o", patch.toString(), "--overwrite"));
    cases.add(c("conceal -o = the input", "is MODEL", "conceal", m, "--mask", patch.toString(), "--defense", "noise", "-o", m, "--overwrite"));
    cases.add(c("conceal -o inside the input", "lies inside MODEL", "conceal", m, "--mask", patch.toString(), "--defense", "decoys", "-o", model.resolve("unet/c").toString()));
    cases.add(c("conceal -o = --mask", "is --mask", "conceal", m, "--mask", patch.toString(), "--defense", "noise", "-o", patch.toString(), "--overwrite"));
    cases.add(c("generate -o = a file of the input", "lies inside the input model", "generate", m, "-p", "x", "--steps", "1", "-o", model.resolve("unet/a.png").toString()));
    cases.add(c("generate --save-raw = model_index.json", "lies inside the input model", "generate", m, "-p", "x", "--steps", "1", "-o", tmp.resolve("g.png").toString(), "--save-raw", model.resolve("model_index.json").toString()));
    cases.add(c("encode -o = the text encoder's weights", "lies inside the input model", "encode", m, "-p", "x", "-o", model.resolve("text_encoder/model.safetensors").toString()));
    cases.add(c("convert DST inside the input", "lies inside the input model", "convert", m, model.resolve("copy").toString()));
    cases.add(c("convert DST = the folder holding the input", "contains the input model", "convert", m, tmp.toString(), "--overwrite"));
    cases.add(c("random-init OUT inside CONFIG", "lies inside CONFIG", "random-init", m, model.resolve("unet").toString(), "--overwrite"));
    cases.add(c("bench --json inside the input", "lies inside the input model", "bench", m, "--json", model.resolve("unet/b.json").toString()));
    cases.add(c("toy eval --json inside --model", "lies inside --model", "toy", "eval", "--model", m, "--json", model.resolve("e.json").toString()));
    cases.add(c("toy eval --out = --model", "is --model", "toy", "eval", "--model", m, "--out", m, "--json", tmp.resolve("e.json").toString()));
    cases.add(c("demo --out = --model", "is --model", "demo", "--model", m, "--out", m));
    cases.add(c("toy train --out = --text-encoder", "is --text-encoder", "toy", "train", "--text-encoder", m, "--out", m, "--steps", "1"));
    cases.add(c("toy train --out inside --text-encoder", "lies inside --text-encoder", "toy", "train", "--text-encoder", m, "--out", model.resolve("t").toString(), "--steps", "1"));
    cases.add(c("toy train --out inside --vae-from", "lies inside --vae-from", "toy", "train", "--vae-from", m, "--out", model.resolve("t").toString(), "--steps", "1"));
    cases.add(c("evaluate --out inside --model", "lies inside --model", "evaluate", "--experiment", "toy", "--model", m, "--out", model.resolve("unet").toString()));
    String png = Fixtures.path("fixtures/eval/images/img0.png").toString();
    cases.add(c("score classify --out = --model", "is --model", "score", "classify", "--model", unetFile, "--image", png, "--out", unetFile));
    cases.add(c("score clip --json inside the model folder", "lies inside --model", "score", "clip", "--model", m, "--image", png, "-p", "x", "--out", tmp.resolve("c.safetensors").toString(), "--json", model.resolve("model_index.json").toString()));
    cases.add(c("score fid-features --out = --model", "is --model", "score", "fid-features", "--model", unetFile, "--image", png, "--out", unetFile));
    cases.add(c("score nudity --json = an image", "is --image", "score", "nudity", "--model", unetFile, "--image", model.resolve("model_index.json").toString(), "--json", model.resolve("model_index.json").toString()));
    cases.add(c("score q16 --out inside --clip", "lies inside --clip", "score", "q16", "--clip", m, "--prompts", unetFile, "--image", png, "--out", model.resolve("q.safetensors").toString()));
    cases.add(c("score q16 --out = --prompts", "is --prompts", "score", "q16", "--clip", tmp.resolve("c").toString(), "--prompts", unetFile, "--image", png, "--out", unetFile));
    cases.add(c("score style --out inside --model", "lies inside --model", "score", "style", "--model", m, "--image", png, "--out", model.resolve("unet/s.safetensors").toString()));
    cases.add(c("score fid --json = --features", "is --features", "score", "fid", "--features", unetFile, "--features", unetFile, "--json", unetFile));
    return cases;
  }

  @TestFactory
  Stream<DynamicTest> hostileOutputsAreRefusedAndTheInputIsUntouched() throws Exception {
    assertEquals(0, pruned.code(), pruned.err());
    return hostile().stream().map(k -> DynamicTest.dynamicTest(k.name, () -> {
      String before = PruneCliTest.treeHash(model);
      String outBefore = PruneCliTest.treeHash(tmp.resolve("p"));
      CliRun r = CliRun.of(k.args.toArray(String[]::new)).assertUserError(k.mentions);
      assertFalse(r.err().contains("statistics ("), "no model may run before the output check: " + r.err());
      assertEquals(before, PruneCliTest.treeHash(model), "the input model changed");
      assertEquals(outBefore, PruneCliTest.treeHash(tmp.resolve("p")), "an existing output changed");
    }));
  }

  @Test
  void applyMaskInvertWithAnotherOriginalLeavesNothing() {
    Path toy = ToyModel.extractBundled();
    Path out = tmp.resolve("nested/inverted");
    CliRun.of("apply-mask", tmp.resolve("p").toString(), "--mask", patch.toString(), "--invert", "--original", toy.toString(),
        "--force", "-o", out.toString()).assertUserError("but the patch's mask is");
    assertFalse(Files.exists(out), "no output may be left");
    assertFalse(Files.exists(out.getParent()), "no folder made for the output may be left");
  }

  @Test
  void kWithNothingToPruneWarnsPerLayerOrIsRefused() {
    // 0.005 * 128 -> 0 columns in the five [32, 128] layers, 0.005 * 256 -> 1 in the [64, 256] one
    CliRun some = CliRun.of(prune(tmp.resolve("k-small"), "--k", "0.005").toArray(String[]::new));
    assertEquals(0, some.code(), some.err());
    long warnings = some.err().lines().filter(l -> l.startsWith("warning: k = 0.005 selects floor(k * in) = 0")).count();
    assertEquals(5, warnings, some.err());
    // 0.003 * 256 -> 0 everywhere: refused before any UNet call
    CliRun none = CliRun.of(prune(tmp.resolve("k-none"), "--k", "0.003").toArray(String[]::new))
        .assertUserError("nothing would be pruned");
    assertFalse(none.err().contains("statistics ("), none.err());
    assertFalse(Files.exists(tmp.resolve("k-none")));
  }

  @Test
  void outputFoldersAreReadableLikeTheFiles() throws Exception {
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("p"))));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(patch)));
  }

  @Test
  void thePatchCarriesEverySettingThatChangesTheMask() throws Exception {
    JsonNode s = new ObjectMapper().readTree(MaskPatch.read(patch).metadata().get(MaskPatch.SETTINGS));
    assertEquals("conceptprune", s.get("method").asText());
    assertEquals(0.0, s.get("rho").asDouble());
    assertEquals("skilled", s.get("variant").asText());
    JsonNode c = s.get("concepts").get(0);
    assertEquals(0.05, c.get("k").asDouble());
    assertEquals(2, c.get("timesteps").asInt());
    for (String key : List.of("site", "aggregation", "scheduler", "steps", "guidance", "seed", "seed_per_pair")) {
      assertTrue(c.get("settings").has(key), key + " missing: " + c);
    }
  }

  /** The tiny model copied with plain file copies (the test's own input). */
  static void copyTree(Path from, Path to) {
    AtomicFiles.writeFolder(to, t -> {
      try (var s = Files.walk(from)) {
        for (Path p : s.toList()) {
          Path d = t.resolve(from.relativize(p).toString());
          if (Files.isDirectory(p)) Files.createDirectories(d);
          else Files.copy(p, d);
        }
      }
    });
  }
}
