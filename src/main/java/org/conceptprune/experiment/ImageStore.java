package org.conceptprune.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.util.UserError;

/**
 * The images of an evaluation folder: {@code OUT/images/<model>/<row>.png}, each written atomically
 * (so a file that exists is whole), and {@code OUT/manifest.jsonl}, one line per image appended once
 * its PNG is in place. After a kill -9 a rerun starts at the first missing PNG.
 */
public final class ImageStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  public final Path root;

  public ImageStore(Path root) {
    this.root = root;
  }

  /** Removes the temporary files a killed run left beside its images. */
  public void cleanTemporaries() {
    Path images = root.resolve("images");
    if (!Files.isDirectory(images)) return;
    try (var s = Files.walk(images)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".") && p.toString().endsWith(".tmp")).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UserError("cannot clean " + images + " (" + e.getMessage() + ")", e);
    }
  }

  public Path png(String model, int row) {
    return root.resolve("images").resolve(model).resolve(row + ".png");
  }

  public boolean done(String model, int row) {
    return Files.isRegularFile(png(model, row));
  }

  /** Records a finished image in the manifest. */
  public synchronized void record(String model, PromptRow row, long seed, double guidance) {
    String line = JSON.createObjectNode().put("model", model).put("row", row.index()).put("seed", seed)
        .put("guidance", guidance).put("file", root.relativize(png(model, row.index())).toString()).toString() + "\n";
    try {
      Files.writeString(root.resolve("manifest.jsonl"), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UserError("cannot append to " + root.resolve("manifest.jsonl") + " (" + e.getMessage() + ")", e);
    }
  }
}
