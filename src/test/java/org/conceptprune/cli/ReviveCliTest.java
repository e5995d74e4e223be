package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ModelHash;
import org.conceptprune.revival.Revival;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code revive} as a user runs it, on tiny-sd with the revival-sd1 fixture's pruned ff.net.2 weights
 * (README-revival.md): the output matches the goldens, every other tensor and file is bit-identical,
 * the input is untouched, a rerun reuses the completions, and every bad input is one error line with
 * nothing written.
 */
class ReviveCliTest {
  private static final String UNET = "unet/diffusion_pytorch_model.safetensors";
  private static final String FIXTURE = "fixtures/revival-sd1/";
  @TempDir static Path tmp;
  static Path pruned;

  /** tiny-sd with the 6 ff.net.2 weights of pruned_ffn2, and the base hash prune records in its files. */
  @BeforeAll
  static void prunedCopy() throws Exception {
    pruned = tmp.resolve("pruned");
    CliSafetyTest.copyTree(Fixtures.tinySd(), pruned);
    Path unet = pruned.resolve(UNET);
    Files.delete(unet);
    try (SafetensorsFile base = SafetensorsFile.open(Fixtures.tinySd().resolve(UNET));
        SafetensorsFile cut = SafetensorsFile.open(Fixtures.path(FIXTURE + "pruned_ffn2.safetensors"))) {
      SafetensorsWriter w = new SafetensorsWriter().metadata("conceptprune_base_model_hash", ModelHash.of(base));
      for (TensorInfo t : base.tensors().values()) {
        SafetensorsFile from = cut.tensors().containsKey(t.name()) ? cut : base;
        w.add(t.name(), t.dtype(), t.shape(), copy(from.bytes(t.name())));
      }
      w.write(unet);
    }
  }

  @Test
  void revivesLikeTheGoldenChangesNothingElseAndResumes() throws Exception {
    String inputBefore = PruneCliTest.treeHash(pruned);
    Path out = tmp.resolve("revived");
    CliRun r = CliRun.of("revive", pruned.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("revived 204 of 336 locations"), r.out());
    assertEquals(inputBefore, PruneCliTest.treeHash(pruned), "the input changed");
    assertSameExceptFfn2(out, "revived.safetensors");
    JsonNode report = new ObjectMapper().readTree(tmp.resolve("revived.report.json").toFile());
    int[] iterations = {11, 14, 14, 13, 12, 15}; // report.json of the fixture, sorted layer order
    for (int i = 0; i < 6; i++) {
      JsonNode l = report.path("layers").get(i);
      assertEquals(iterations[i], l.path("iterations").asInt(), l.toString());
      assertFalse(l.path("from_cache").asBoolean());
    }
    assertTrue(Files.isDirectory(tmp.resolve("revived.revival")), "completion cache");

    // A rerun with another magnitude: every completion from the cache, the output as the ave golden.
    CliRun again = CliRun.of("revive", pruned.toString(), "-o", out.toString(), "--magnitude", "ave", "--overwrite");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("(cached)"), again.out());
    assertSameExceptFfn2(out, "revived_ave.safetensors");
  }

  @Test
  void aSingleFileGivesASingleFile() throws Exception {
    Path single = tmp.resolve("pruned.safetensors");
    assertEquals(0, CliRun.of("convert", pruned.toString(), single.toString()).code());
    Path out = tmp.resolve("revived-single.safetensors");
    CliRun r = CliRun.of("revive", single.toString(), "--config", pruned.toString(), "-o", out.toString());
    assertEquals(0, r.code(), r.err());
    Path back = tmp.resolve("revived-single-back");
    CliRun toFolder = CliRun.of("convert", out.toString(), back.toString(), "--config", pruned.toString());
    assertEquals(0, toFolder.code(), toFolder.err());
    assertUnetLike(back, "revived.safetensors");
  }

  @Test
  void signFromTheOriginal() throws Exception {
    Path out = tmp.resolve("signorig");
    CliRun r = CliRun.of("revive", pruned.toString(), "-o", out.toString(), "--sign-from", Fixtures.tinySd().toString());
    assertEquals(0, r.code(), r.err());
    assertSameExceptFfn2(out, "revived_signorig.safetensors");
  }

  @Test
  void locationsFromAPatchForTheModelItWasPrunedFrom() throws Exception {
    Path patch = tmp.resolve("zeros.mask.safetensors");
    writeZerosPatch(patch, hashOf(Fixtures.tinySd()));
    Path out = tmp.resolve("from-patch");
    CliRun r = CliRun.of("revive", pruned.toString(), "-o", out.toString(), "--locations", patch.toString(),
        "--top-ratio", "0.6");
    assertEquals(0, r.code(), r.err());
    assertSameExceptFfn2(out, "revived.safetensors");
  }

  @Test
  void badInputIsOneErrorLineAndWritesNothing() throws Exception {
    Path otherBase = tmp.resolve("other.mask.safetensors");
    writeZerosPatch(otherBase, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    String m = pruned.toString();
    Object[][] cases = {
        {"no zeros in any ff.net.2", "--locations PATCH", new String[] {"revive", Fixtures.tinySd().toString()}},
        {"a patch for another base model", "was made for another base model", new String[] {"revive", m, "--locations", otherBase.toString()}},
        {"top ratio 0", "--top-ratio must be in (0, 1]", new String[] {"revive", m, "--top-ratio", "0"}},
        {"top ratio above 1", "--top-ratio must be in (0, 1]", new String[] {"revive", m, "--top-ratio", "1.5"}},
        {"unknown magnitude", "unknown magnitude mode 'align'", new String[] {"revive", m, "--magnitude", "align"}},
        {"missing model", "no such model", new String[] {"revive", tmp.resolve("nothing").toString()}},
        {"missing patch", "nothing.mask.safetensors", new String[] {"revive", m, "--locations", tmp.resolve("nothing.mask.safetensors").toString()}},
        {"-o = the input", "is the input model", new String[] {"revive", m, "--overwrite"}},
    };
    for (Object[] c : cases) {
      Path out = c[0].toString().startsWith("-o") ? pruned : tmp.resolve("bad");
      String[] base = (String[]) c[2];
      String[] args = java.util.Arrays.copyOf(base, base.length + 2);
      args[base.length] = "-o";
      args[base.length + 1] = out.toString();
      String before = PruneCliTest.treeHash(pruned);
      CliRun.of(args).assertUserError((String) c[1]);
      assertEquals(before, PruneCliTest.treeHash(pruned), c[0] + ": the input changed");
      for (String suffix : new String[] {"", ".report.json", ".revival"}) {
        assertFalse(Files.exists(tmp.resolve("bad" + suffix)), c[0] + ": wrote bad" + suffix);
      }
    }
  }

  /** OUT's unet: the fixture's tensors where the golden has them (within 1e-6 relative), every other tensor and file byte for byte. */
  private static void assertSameExceptFfn2(Path out, String golden) throws Exception {
    assertUnetLike(out, golden);
    try (var s = Files.walk(pruned)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        Path rel = pruned.relativize(f);
        if (!rel.toString().equals(UNET)) assertEquals(-1L, Files.mismatch(f, out.resolve(rel)), rel + " differs");
      }
    }
  }

  private static void assertUnetLike(Path out, String golden) {
    try (SafetensorsFile in = SafetensorsFile.open(pruned.resolve(UNET));
        SafetensorsFile got = SafetensorsFile.open(out.resolve(UNET));
        SafetensorsFile want = SafetensorsFile.open(Fixtures.path(FIXTURE + golden))) {
      assertEquals(in.names(), got.names());
      for (String n : in.names()) {
        if (want.tensors().containsKey(n)) {
          float[] g = got.floats(n);
          float[] w = want.floats(n);
          for (int p = 0; p < w.length; p++) {
            assertEquals(w[p], g[p], 1e-6 * Math.abs(w[p]), golden + " " + n + "[" + p + "]");
          }
        } else {
          assertEquals(in.bytes(n), got.bytes(n), n + " changed");
        }
      }
    }
  }

  /** A patch whose masks are the zeros of pruned_ffn2, made for the model of the given hash. */
  private static void writeZerosPatch(Path file, String baseHash) {
    MaskSet masks = new MaskSet();
    try (SafetensorsFile cut = SafetensorsFile.open(Fixtures.path(FIXTURE + "pruned_ffn2.safetensors"))) {
      for (String n : cut.names()) {
        int[] s = cut.info(n).intShape();
        LayerMask z = Revival.zeros(new LayerWeight(cut.floats(n), s[0], s[1]));
        masks.put(n.substring(0, n.length() - ".weight".length()), z);
      }
    }
    MaskPatch.write(file, masks, Map.of(MaskPatch.BASE_MODEL_HASH, baseHash));
  }

  private static String hashOf(Path model) {
    try (SafetensorsFile f = SafetensorsFile.open(model.resolve(UNET))) {
      return ModelHash.of(f);
    }
  }

  private static ByteBuffer copy(ByteBuffer b) {
    ByteBuffer c = ByteBuffer.allocate(b.remaining());
    c.put(b.duplicate()).flip();
    return c;
  }
}
