package org.conceptprune.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes outputs to a temporary file beside the target and renames it, so a crash leaves no half file. */
public final class AtomicFiles {
  private AtomicFiles() {}

  @FunctionalInterface
  public interface Writer {
    void write(Path tmp) throws IOException;
  }

  public static void write(Path target, Writer writer) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
      writer.write(tmp);
      readableByAll(tmp);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new UserError("cannot write " + target + " (" + e.getMessage() + ")", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  /** Temp files are created rw-------; outputs get the usual rw-r--r--. */
  static void readableByAll(Path p) {
    try {
      java.nio.file.Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: keep the defaults
    }
  }

  public static void writeString(Path target, String text) {
    write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
  }

  public static void writeBytes(Path target, byte[] data) {
    write(target, tmp -> Files.write(tmp, data));
  }
}
