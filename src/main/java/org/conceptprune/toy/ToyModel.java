package org.conceptprune.toy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.UserError;

/**
 * The trained toy model shipped in the jar under {@value #RESOURCE_DIR} (a diffusers folder, weights
 * in fp16; {@link HalfExport} makes it from a training run), and what a toy model folder says beyond
 * diffusers: the world it was trained on ({@value #WORLD_FILE}; absent: the classic world) and its own
 * judge ({@value #JUDGE_DIR}/; absent: the judge shipped in the jar).
 */
public final class ToyModel {
  private ToyModel() {}

  public static final String RESOURCE_DIR = "/conceptprune/toy/model/";

  /** Every file of the folder. */
  public static final List<String> FILES = List.of("model_index.json", "scheduler/scheduler_config.json",
      "unet/config.json", "unet/diffusion_pytorch_model.safetensors", "vae/config.json",
      "vae/diffusion_pytorch_model.safetensors", "text_encoder/config.json", "text_encoder/model.safetensors",
      "tokenizer/merges.txt", "tokenizer/vocab.json", "tokenizer/special_tokens_map.json",
      "tokenizer/tokenizer_config.json");

  /** {"world": "crowded:120:0"}: the world a toy model folder was trained on. */
  public static final String WORLD_FILE = "toy_world.json";
  /** The folder of a toy model's own judge (judge.json, judge.safetensors). */
  public static final String JUDGE_DIR = "judge";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The world of a toy model folder: its {@value #WORLD_FILE}, or the classic world without one. */
  public static World world(Path dir) {
    Path f = dir.resolve(WORLD_FILE);
    if (!Files.exists(f)) return World.classic();
    JsonNode n;
    try {
      n = JSON.readTree(f.toFile());
    } catch (IOException e) {
      throw new UserError(f + ": not JSON (" + e.getMessage() + ")");
    }
    if (n == null || !n.path("world").isTextual()) throw new UserError(f + ": expected {\"world\": \"classic\" or \"crowded:N:SEED\"}");
    return World.named(n.get("world").asText());
  }

  /** Writes {@value #WORLD_FILE} into a model folder (atomically). */
  public static void writeWorld(Path dir, World w) {
    AtomicFiles.writeString(dir.resolve(WORLD_FILE), JSON.createObjectNode().put("world", w.name()).toPrettyString() + "\n");
  }

  /**
   * The judge of a toy model folder: {@value #JUDGE_DIR}/ when it has one, else the judge shipped in
   * the jar; either must know the folder's world ({@link ToyJudge#load(Path, World)}).
   */
  public static ToyJudge judge(Path dir) {
    World w = world(dir);
    Path j = dir.resolve(JUDGE_DIR);
    if (Files.isRegularFile(j.resolve(ToyJudge.CONFIG))) return ToyJudge.load(j, w);
    if (!w.isClassic()) {
      throw new UserError("toy model " + dir + " was trained on the " + w.name() + " world and has no judge: train one with"
          + " `toy judge --world " + w.name() + " --out " + j + "`");
    }
    return ToyJudge.loadBundled();
  }

  private static void deleteTree(Path p) {
    try (var s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    } catch (IOException ignored) {
      // a temporary copy: nothing else to do
    }
  }

  /** Removes a temporary folder and everything in it when the JVM ends (File.deleteOnExit cannot: not empty). */
  public static void deleteOnExit(Path tmp) {
    java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(tmp)));
  }

  public static boolean bundledAvailable() {
    return ToyModel.class.getResource(RESOURCE_DIR + "unet/diffusion_pytorch_model.safetensors") != null;
  }

  /** Copies the shipped model to a temporary folder (weights are memory-mapped) and returns it. */
  public static Path extractBundled() {
    if (!bundledAvailable()) throw new UserError("no trained toy model in the jar (" + RESOURCE_DIR + ")");
    try {
      Path tmp = Files.createTempDirectory("conceptprune-toy-model");
      for (String f : FILES) {
        Path to = tmp.resolve(f);
        Files.createDirectories(to.getParent());
        try (InputStream in = ToyModel.class.getResourceAsStream(RESOURCE_DIR + f)) {
          Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      deleteOnExit(tmp);
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
