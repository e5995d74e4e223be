package org.conceptprune.toy.clip;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.util.UserError;

/**
 * The toy CLIP shipped in the jar under {@value #RESOURCE_DIR} (config, preprocessor config, fp32
 * weights; the tokenizer files are the toy model's), extracted as a CLIPModel folder on demand.
 */
public final class ToyClip {
  private ToyClip() {}

  public static final String RESOURCE_DIR = "/conceptprune/toy/clip/";
  static final List<String> FILES = List.of("config.json", "preprocessor_config.json", ToyClipTrainer.WEIGHTS);
  static final List<String> TOKENIZER = List.of("merges.txt", "vocab.json", "special_tokens_map.json", "tokenizer_config.json");

  public static boolean bundledAvailable() {
    return ToyClip.class.getResource(RESOURCE_DIR + ToyClipTrainer.WEIGHTS) != null;
  }

  /**
   * {@code toy train --text-encoder}: random (null: a seeded random encoder), toy-clip (the shipped
   * toy CLIP, extracted) or a toy CLIP folder.
   */
  public static Path textEncoder(String spec) {
    return switch (spec) {
      case "random" -> null;
      case "toy-clip" -> extractBundled();
      default -> Path.of(spec);
    };
  }

  /** Copies the shipped toy CLIP to a temporary folder (removed when the JVM ends) and returns it. */
  public static Path extractBundled() {
    if (!bundledAvailable()) throw new UserError("no trained toy CLIP in the jar (" + RESOURCE_DIR + ")");
    try {
      Path tmp = Files.createTempDirectory("conceptprune-toy-clip");
      for (String f : FILES) copy(RESOURCE_DIR + f, tmp.resolve(f));
      for (String f : TOKENIZER) copy("/conceptprune/toy/tokenizer/" + f, tmp.resolve(f));
      ToyModel.deleteOnExit(tmp);
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where a toy model folder keeps the toy CLIP whose text tower it was trained on. */
  public static final String MODEL_SUBDIR = "clip";

  /**
   * The toy CLIP to score a toy model's images with: the one in the model folder ({@value #MODEL_SUBDIR}/,
   * written by {@code toy train --text-encoder}), else the shipped one for a classic-world model,
   * else null (no CLIP metrics).
   */
  public static Path forModel(Path model) {
    if (model != null && Files.isRegularFile(model.resolve(MODEL_SUBDIR).resolve(ToyClipTrainer.WEIGHTS))) {
      return model.resolve(MODEL_SUBDIR);
    }
    boolean classic = model == null || ToyModel.world(model).isClassic();
    return classic && bundledAvailable() ? extractBundled() : null;
  }

  private static void copy(String resource, Path to) throws IOException {
    try (InputStream in = ToyClip.class.getResourceAsStream(resource)) {
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
