package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ModelHash;
import org.conceptprune.revival.RevivalJob;
import org.conceptprune.toy.ToyModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attack --method revival} on the toy: a mask patch that cuts the 50% largest |W| of every ff.net.2 row,
 * 2 prompts: the revival runs once per run (revival.json), every prompt gets an outcome, a rerun resumes and
 * takes the completions from the cache; bad revival settings are one error line.
 */
class RevivalAttackCliTest {
  @TempDir static Path tmp;
  static Path patch;
  static long cut;

  @BeforeAll
  static void patch() throws Exception {
    Path toy = ToyModel.extractBundled();
    MaskSet masks = new MaskSet();
    String hash;
    try (ModelSource src = ModelSource.open(toy, null)) {
      hash = ModelHash.of(src.weights(Component.UNET));
      for (Map.Entry<String, LayerWeight> e : RevivalJob.targets(src.weights(Component.UNET)).entrySet()) {
        LayerWeight w = e.getValue();
        LayerMask m = new LayerMask(w.out(), w.in());
        int n = w.in() / 2;
        for (int i = 0; i < w.out(); i++) {
          Integer[] idx = new Integer[w.in()];
          for (int j = 0; j < w.in(); j++) idx[j] = j;
          int row = i * w.in();
          java.util.Arrays.sort(idx, (a, b) -> Float.compare(Math.abs(w.w()[row + b]), Math.abs(w.w()[row + a])));
          for (int j = 0; j < n; j++) m.set(i, idx[j]);
        }
        masks.put(e.getKey(), m);
        cut += m.count();
      }
    }
    patch = tmp.resolve("top50.mask.safetensors");
    MaskPatch.write(patch, masks, Map.of(MaskPatch.BASE_MODEL_HASH, hash));
  }

  static String[] args(Path out, String... more) throws Exception {
    Path p = tmp.resolve("prompts.csv");
    Files.writeString(p, "prompt,evaluation_seed\na wobbet circle,1\na square in wobbet style,2\n");
    String[] base = {"attack", "--mask", patch.toString(), "--judge", "toy", "--concept", "wobbet", "--method", "revival", "--prompts",
        p.toString(), "--completion-iterations", "20", "--out", out.toString()};
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void runsEndToEndAndResumes() throws Exception {
    Path out = tmp.resolve("run");
    CliRun r = CliRun.of(args(out));
    assertEquals(0, r.code(), r.err());
    ObjectMapper json = new ObjectMapper();
    JsonNode s = json.readTree(out.resolve("summary.json").toFile());
    System.out.println("[revival-attack] " + s.get("line").asText());
    assertEquals(2, s.get("prompts").asInt());
    JsonNode rev = json.readTree(out.resolve("revival.json").toFile());
    assertTrue(rev.get("candidates").asLong() >= cut, rev.get("candidates") + " < " + cut); // every cut weight is a zero
    assertTrue(rev.get("filled").asLong() > 0.5 * cut && rev.get("filled").asLong() < cut, rev.toString());
    for (int i = 0; i < 2; i++) {
      JsonNode o = json.readTree(out.resolve("outcomes/" + i + ".json").toFile());
      String status = o.get("status").asText();
      assertTrue(Set.of("no-target", "pre-attack", "attack", "failed").contains(status), status);
      if (status.equals("attack") || status.equals("failed")) {
        assertTrue(Files.isRegularFile(out.resolve("images/" + i + "-after.png")));
        assertEquals(o.get("prompt").asText(), o.get("attack").get("prompt").asText(), "revival changes the model, not the prompt");
      }
    }
    CliRun again = CliRun.of(args(out));
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("(done before)"), again.err());
    assertTrue(json.readTree(out.resolve("revival.json").toFile()).get("layers").get(0).get("from_cache").asBoolean());
  }

  @Test
  void badRevivalSettingsAreOneErrorLine() throws Exception {
    Path other = tmp.resolve("other.mask.safetensors");
    MaskPatch p = MaskPatch.read(patch);
    MaskPatch.write(other, p.masks(), Map.of(MaskPatch.BASE_MODEL_HASH, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
    Object[][] cases = {
        {"--top-ratio must be in (0, 1]", new String[] {"--top-ratio", "0"}},
        {"unknown magnitude mode 'loud'", new String[] {"--magnitude", "loud"}},
        {"the fraction must be in (0, 1)", new String[] {"--locations", "bottom:1.5"}},
        {"expected row-bottom:F", new String[] {"--locations", "row-bottom:many"}},
        {"was made for another base model", new String[] {"--locations", other.toString()}},
    };
    for (Object[] c : cases) {
      Path out = tmp.resolve("bad");
      CliRun.of(args(out, (String[]) c[1])).assertUserError((String) c[0]);
      assertTrue(!Files.exists(out.resolve("run.json")), c[0] + ": wrote a run");
    }
  }
}
