package org.conceptprune.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one check every output path of every command goes through, before any model runs: an output
 * is never an input, never inside one and never a folder that holds one (links resolved), and an
 * existing output is only replaced when the user says so.
 *
 * <pre>
 *   OutputPaths paths = OutputPaths.inputs().add("the input model", model).add("--mask", mask);
 *   paths.check("--out", out, overwrite);      // refuses an input, and an existing OUT without --overwrite
 *   paths.check("--json", json);               // refuses an input (an existing file is replaced)
 * </pre>
 */
public final class OutputPaths {
  private record Input(String label, Path given, Path real) {}

  private final List<Input> inputs = new ArrayList<>();

  private OutputPaths() {}

  public static OutputPaths inputs() {
    return new OutputPaths();
  }

  /** Adds an input (ignored when null): a model folder, a file read by the command. */
  public OutputPaths add(String label, Path input) {
    if (input != null) inputs.add(new Input(label, input, real(input)));
    return this;
  }

  /** Adds several inputs under one label (e.g. every --stats file). */
  public OutputPaths addAll(String label, List<Path> more) {
    if (more != null) for (Path p : more) add(label, p);
    return this;
  }

  /** Refuses an output that is an input, lies inside one, or contains one; null passes. */
  public Path check(String option, Path output) {
    if (output == null) return null;
    Path out = real(output);
    for (Input in : inputs) {
      String what = option + " " + output;
      if (out.equals(in.real)) {
        throw new UserError(what + " is " + in.label + " " + in.given + "; an input is never overwritten, choose another path");
      }
      if (out.startsWith(in.real)) {
        throw new UserError(what + " lies inside " + in.label + " " + in.given + "; an input is never written into, choose another path");
      }
      if (in.real.startsWith(out)) {
        throw new UserError(what + " contains " + in.label + " " + in.given + "; replacing it would delete an input, choose another path");
      }
    }
    return output;
  }

  /** As {@link #check(String, Path)}, and refuses an existing output unless {@code overwrite}. */
  public Path check(String option, Path output, boolean overwrite) {
    check(option, output);
    if (output != null && !overwrite && Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      throw new UserError(option + " " + output + " already exists; pass --overwrite to replace it");
    }
    return output;
  }

  /**
   * The absolute path with every link resolved: the nearest existing ancestor's real path, then the
   * rest of the path as given (what does not exist yet cannot be a link).
   */
  static Path real(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) existing = existing.getParent();
    if (existing == null) return abs;
    try {
      return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
    } catch (IOException e) {
      return abs;
    }
  }
}
