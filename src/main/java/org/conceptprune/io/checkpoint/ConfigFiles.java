package org.conceptprune.io.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The non-weight files of a model folder: configs and tokenizers. */
public final class ConfigFiles {
  private ConfigFiles() {}

  /** Whether a file of a model folder is a config or tokenizer file (not weights). */
  public static boolean isConfig(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".json") && !n.endsWith(".safetensors.index.json") || n.equals("merges.txt") || n.endsWith(".txt");
  }

  /** Copies the config and tokenizer files of {@code from} into {@code to}, keeping the layout. */
  public static void copy(Path from, Path to) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else if (isConfig(p)) Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** Adds CLIP's BPE files (the same for every SD tokenizer) to tokenizer folders that lack them. */
  public static void addTokenizerFiles(Path dir) throws IOException {
    for (String tok : List.of("tokenizer", "tokenizer_2")) {
      Path d = dir.resolve(tok);
      if (!Files.isDirectory(d)) continue;
      for (String f : List.of("vocab.json", "merges.txt")) {
        if (!Files.exists(d.resolve(f))) copyResource("/conceptprune/tokenizer/" + f, d.resolve(f));
      }
    }
  }

  public static void copyResource(String res, Path to) throws IOException {
    try (InputStream in = ConfigFiles.class.getResourceAsStream(res)) {
      if (in == null) throw new IllegalStateException("missing bundled resource " + res);
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
