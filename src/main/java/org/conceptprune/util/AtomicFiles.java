package org.conceptprune.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes outputs to a temporary name beside the target and renames it, so a crash leaves no half
 * file. Files get mode rw-r--r--, folders rwxr-xr-x. On failure the temporary file or folder, and
 * any parent folder made for it, are removed again: nothing is left behind.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  @FunctionalInterface
  public interface Writer {
    void write(Path tmp) throws IOException;
  }

  public static void write(Path target, Writer writer) {
    atomically(target, false, writer);
  }

  public static void writeString(Path target, String text) {
    write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
  }

  /**
   * Builds a folder in a temporary sibling ({@code .NAME.xxxx}, mode rwxr-xr-x like the files
   * inside) and renames it to {@code target} at the end, replacing an existing target only then.
   * The caller has checked that replacing {@code target} is allowed ({@link OutputPaths}).
   */
  public static void writeFolder(Path target, Writer writer) {
    atomically(target, true, writer);
  }

  /** Temporary file or folder beside the target, written, given its mode, renamed; removed on failure. */
  private static void atomically(Path target, boolean folder, Writer writer) {
    Path abs = target.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    Path created = firstMissing(dir);
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      String prefix = "." + abs.getFileName() + ".";
      tmp = folder ? Files.createTempDirectory(dir, prefix) : Files.createTempFile(dir, prefix, ".tmp");
      writer.write(tmp);
      setMode(tmp, folder ? "rwxr-xr-x" : "rw-r--r--");
      if (folder) {
        if (Files.exists(abs)) deleteTree(abs);
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      } else {
        try {
          Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      tmp = null;
      created = null;
    } catch (IOException e) {
      throw new UserError("cannot write " + target + " (" + e.getMessage() + ")", e);
    } finally {
      deleteQuietly(tmp);
      deleteQuietly(created);
    }
  }

  /** Deletes a file or a folder with everything in it. */
  public static void deleteTree(Path p) throws IOException {
    try (var s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
    }
  }

  /** The outermost folder on the way to {@code dir} that does not exist yet, or null. */
  private static Path firstMissing(Path dir) {
    Path missing = null;
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) missing = p;
    return missing;
  }

  private static void deleteQuietly(Path p) {
    if (p == null) return;
    try {
      if (Files.exists(p)) deleteTree(p);
    } catch (IOException ignored) {
      // best effort: only what this class made
    }
  }

  private static void setMode(Path p, String mode) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: keep the defaults
    }
  }
}
