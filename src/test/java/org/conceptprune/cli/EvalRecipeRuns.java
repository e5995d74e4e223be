package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.Fixtures;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ModelHash;

/** What the evaluate recipe tests share: tiny-sd, a mask patch for it, the run's files. */
final class EvalRecipeRuns {
  static final Path CLIP = Fixtures.path("fixtures/eval/clip-model");
  /** Fast sampling of tiny-sd (128 x 128 px). */
  static final List<String> FAST = List.of("--steps", "2", "--scheduler", "ddim");

  private EvalRecipeRuns() {}

  /**
   * A patch zeroing the even input columns of every {@code ff.net.2} of tiny-sd, with its base hash:
   * enough to change the pictures.
   */
  static Path maskPatch(Path dir) {
    Path unet = Fixtures.tinySd().resolve("unet/diffusion_pytorch_model.safetensors");
    MaskSet masks = new MaskSet();
    try (SafetensorsFile f = SafetensorsFile.open(unet)) {
      for (TensorInfo t : f.tensors().values()) {
        if (!t.name().endsWith("ff.net.2.weight")) continue;
        LayerMask m = new LayerMask((int) t.shape()[0], (int) t.shape()[1]);
        for (int i = 0; i < m.out(); i++) for (int j = 0; j < m.in(); j += 2) m.set(i, j);
        masks.put(t.name().substring(0, t.name().length() - ".weight".length()), m);
      }
    }
    String hash;
    try (ModelSource src = ModelSource.open(Fixtures.tinySd(), null)) {
      hash = ModelHash.of(src.weights(Component.UNET));
    }
    Path p = dir.resolve("pruned.mask.safetensors");
    MaskPatch.write(p, masks, Map.of(MaskPatch.BASE_MODEL_HASH, hash));
    return p;
  }

  /** evaluate with the base tiny-sd, the patch as model "pruned", and more arguments. */
  static CliRun evaluate(String experiment, Path out, Path patch, List<String> more) {
    List<String> a = new ArrayList<>(List.of("evaluate", "--experiment", experiment, "--model", Fixtures.tinySd().toString(),
        "--mask", "pruned=" + patch, "-o", out.toString()));
    a.addAll(FAST);
    a.addAll(more);
    CliRun r = CliRun.of(a.toArray(String[]::new));
    assertEquals(0, r.code(), "evaluate " + a + "\nstdout: " + r.out() + "\nstderr: " + r.err());
    return r;
  }

  /** results.csv as "model|subject|metric" -> {value, lo, hi, n}. */
  static Map<String, double[]> results(Path out) throws IOException {
    Map<String, double[]> m = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(out.resolve("results.csv"));
    assertEquals("model,experiment,subject,metric,value,ci95_low,ci95_high,n", lines.get(0));
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      m.put(f[0] + "|" + f[2] + "|" + f[3], new double[] {num(f[4]), num(f[5]), num(f[6]), Integer.parseInt(f[7])});
    }
    return m;
  }

  private static double num(String s) {
    return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
  }

  /** scores.jsonl as "model/row" -> record. */
  static Map<String, JsonNode> scores(Path out) throws IOException {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    ObjectMapper om = new ObjectMapper();
    for (String l : Files.readAllLines(out.resolve("scores.jsonl"))) {
      if (l.isBlank()) continue;
      JsonNode o = om.readTree(l);
      m.put(o.get("model").asText() + "/" + o.get("row").asInt(), o);
    }
    return m;
  }

  static Path png(Path out, String model, int row) {
    return out.resolve("images").resolve(model).resolve(row + ".png");
  }
}
