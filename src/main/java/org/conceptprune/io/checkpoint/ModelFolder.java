package org.conceptprune.io.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.conceptprune.util.UserError;

/**
 * A diffusers pipeline folder: {@code model_index.json} plus one sub-folder per component
 * ({@code unet/}, {@code vae/}, {@code text_encoder/}, {@code tokenizer/}, ...). Every accessor fails
 * with a {@link UserError} naming the file or key that is missing.
 */
public final class ModelFolder {
  public static final String INDEX_FILE = "model_index.json";

  /** A text encoder and the tokenizer that feeds it: SD-1.x/2.x have one, SDXL two. */
  public record TextEncoderSlot(String encoder, String tokenizer) {}

  private static final List<TextEncoderSlot> SLOTS = List.of(
      new TextEncoderSlot(Component.TEXT_ENCODER.diffusersName, ModelIndex.TOKENIZER),
      new TextEncoderSlot(Component.TEXT_ENCODER_2.diffusersName, ModelIndex.TOKENIZER_2));

  private final Path root;
  private final ModelIndex index;

  private ModelFolder(Path root, ModelIndex index) {
    this.root = root;
    this.index = index;
  }

  public static ModelFolder open(Path root) {
    requireFolder(root);
    Path f = root.resolve(INDEX_FILE);
    if (!Files.isRegularFile(f)) {
      throw new UserError(root + ": no " + INDEX_FILE + " (expected a diffusers pipeline folder)");
    }
    return new ModelFolder(root, ModelIndex.read(f));
  }

  static void requireFolder(Path root) {
    if (!Files.exists(root)) throw new UserError(root + ": no such model folder");
    if (!Files.isDirectory(root)) throw new UserError(root + ": not a folder (expected a diffusers model folder)");
  }

  /**
   * A tokenizer folder without needing model_index.json: {@code model/name} when it exists, else
   * {@code model} itself when it holds a vocab.json (a tokenizer folder given directly).
   */
  public static Path tokenizerDir(Path model, String name) {
    requireFolder(model);
    Path d = model.resolve(name);
    if (Files.isDirectory(d)) return d;
    if (Files.isRegularFile(model.resolve("vocab.json"))) return model;
    throw new UserError(model + ": no " + name + "/ folder (a CLIP tokenizer folder with vocab.json and merges.txt)");
  }

  public Path root() {
    return root;
  }

  public ModelIndex index() {
    return index;
  }

  /** The component's folder; an error when model_index.json does not list it or the folder is missing. */
  public Path componentDir(String name) {
    ModelIndex.Entry c = index.component(name);
    if (c == null) throw new UserError(index.file() + ": no component '" + name + "'");
    Path d = root.resolve(name);
    if (!Files.isDirectory(d)) {
      throw new UserError(index.file() + " lists '" + name + "' (" + c.className() + ") but folder " + d + " is missing");
    }
    return d;
  }

  /** The component's config file: scheduler_config.json, tokenizer_config.json or config.json. */
  public Path configFile(String name) {
    Path dir = componentDir(name);
    String cls = index.component(name).className();
    String file = cls.endsWith("Scheduler") ? "scheduler_config.json"
        : cls.contains("Tokenizer") ? "tokenizer_config.json" : "config.json";
    Path f = dir.resolve(file);
    if (!Files.isRegularFile(f)) throw new UserError(dir + ": no " + file + " for component '" + name + "'");
    return f;
  }

  ConfigNode config(String name) {
    return ConfigNode.read(configFile(name));
  }

  /** Whether the component's folder holds safetensors weights (a single file or a sharded index). */
  public boolean hasWeights(String name) {
    Path d = root.resolve(name);
    if (!Files.isDirectory(d)) return false;
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).anyMatch(n -> n.endsWith(".safetensors") || n.endsWith(".safetensors.index.json"));
    } catch (IOException e) {
      throw new UserError(d + ": cannot list folder (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The text encoders in pipeline order ({@code text_encoder}, then {@code text_encoder_2}), each with
   * its tokenizer; an error when an encoder is listed without its tokenizer, or when there is none.
   */
  public List<TextEncoderSlot> textEncoders() {
    List<TextEncoderSlot> out = new ArrayList<>();
    for (TextEncoderSlot s : SLOTS) {
      if (!index.has(s.encoder())) continue;
      if (!index.has(s.tokenizer())) {
        throw new UserError(index.file() + ": '" + s.encoder() + "' has no matching '" + s.tokenizer() + "' entry");
      }
      out.add(s);
    }
    if (out.isEmpty()) throw new UserError(index.file() + ": no 'text_encoder' or 'text_encoder_2' component");
    return out;
  }
}
