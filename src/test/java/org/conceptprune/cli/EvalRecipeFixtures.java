package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.conceptprune.Fixtures;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ModelHash;

/** What the evaluate recipe tests share: a mask patch on tiny-sd and readers of an evaluation folder. */
final class EvalRecipeFixtures {
  private EvalRecipeFixtures() {}

  static final String[] FF = {"down_blocks.0.attentions.0.transformer_blocks.0.ff.net.2",
      "mid_block.attentions.0.transformer_blocks.0.ff.net.2", "up_blocks.1.attentions.2.transformer_blocks.0.ff.net.2"};

  /** A patch pruning every other weight of three ff.net.2 layers of tiny-sd (made for tiny-sd's hash). */
  static Path maskPatch(Path file) {
    MaskSet m = new MaskSet();
    try (ModelSource src = ModelSource.open(Fixtures.tinySd(), null)) {
      var unet = src.weights(Component.UNET);
      for (String layer : FF) {
        long[] s = unet.tensors().get(layer + ".weight").shape();
        LayerMask x = new LayerMask((int) s[0], (int) s[1]);
        for (int p = 0; p < x.numel(); p += 2) x.set(p);
        m.put(layer, x);
      }
      MaskPatch.write(file, m, Map.of(MaskPatch.BASE_MODEL_HASH, ModelHash.of(unet)));
    }
    return file;
  }

  /** scores.jsonl by "model/row". */
  static Map<String, JsonNode> scores(Path out) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(out.resolve("scores.jsonl"))) {
        if (line.isBlank()) continue;
        JsonNode n = new ObjectMapper().readTree(line);
        m.put(n.get("model").asText() + "/" + n.get("row").asInt(), n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  /** results.json's rows as "model|subject|metric" -> row. */
  static Map<String, JsonNode> results(Path out) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    try {
      for (JsonNode r : new ObjectMapper().readTree(out.resolve("results.json").toFile()).get("results")) {
        m.put(r.get("model").asText() + "|" + r.get("subject").asText() + "|" + r.get("metric").asText(), r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(Path f) {
    try {
      return Files.readAllBytes(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The PNGs under images/, relative paths in name order. */
  static List<String> pngs(Path out) {
    try (Stream<Path> s = Files.walk(out.resolve("images"))) {
      return new ArrayList<>(s.filter(p -> p.toString().endsWith(".png")).map(p -> out.relativize(p).toString())
          .sorted(Comparator.naturalOrder()).toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void copyTree(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else Files.copy(p, t);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path f) {
    try {
      Files.delete(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CliRun ok(CliRun r) {
    assertEquals(0, r.code(), "exit " + r.code() + "\nstdout: " + r.out() + "\nstderr: " + r.err());
    return r;
  }
}
