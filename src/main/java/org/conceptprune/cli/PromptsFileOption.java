package org.conceptprune.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Option;

/** Mixin: {@code --prompts-file F}, one prompt per line (empty lines skipped). */
public final class PromptsFileOption {
  @Option(names = "--prompts-file", paramLabel = "FILE",
      description = "Read prompts from FILE, one per line (UTF-8; empty lines are skipped).")
  Path file;

  /** The prompts given on the command line, then those of the file. */
  public List<String> collect(List<String> given) {
    List<String> out = new ArrayList<>();
    if (given != null) out.addAll(given);
    if (file != null) {
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isEmpty()) out.add(line);
        }
      } catch (NoSuchFileException e) {
        throw new UserError(file + ": no such prompts file");
      } catch (IOException e) {
        throw new UserError(file + ": cannot read prompts (" + e.getMessage() + ")", e);
      }
    }
    if (out.isEmpty()) throw new UserError("no prompts given" + (file != null ? " (" + file + " is empty)" : ""));
    return out;
  }
}
