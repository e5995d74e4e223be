package org.conceptprune.attack;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import org.conceptprune.util.UserError;

/**
 * What {@code attack --judge} names: {@code toy}, {@code classify:WEIGHTS}, {@code nudity:ONNX},
 * {@code clip:DIR} or {@code style:DIR}, parsed once; {@link Judge#open} opens it.
 *
 * @param kind the judge
 * @param file its weights, ONNX model or folder; null for {@link JudgeKind#TOY} and only for it
 */
public record JudgeSpec(JudgeKind kind, Path file) {
  /** The toy judge. */
  public static final JudgeSpec TOY = new JudgeSpec(JudgeKind.TOY, null);

  public JudgeSpec {
    Objects.requireNonNull(kind, "kind");
    if (kind.needsPath() != (file != null)) {
      throw new IllegalArgumentException("judge " + kind + (file == null ? " needs a path" : " takes no path, got " + file));
    }
  }

  /** {@code KIND} or {@code KIND:PATH}: the judge, or a {@link UserError} saying what is wrong with it. */
  public static JudgeSpec parse(String spec) {
    int colon = spec.indexOf(':');
    String name = colon < 0 ? spec : spec.substring(0, colon);
    String path = colon < 0 ? null : spec.substring(colon + 1);
    JudgeKind kind = JudgeKind.parse(name, spec);
    if (!kind.needsPath()) {
      if (path != null) throw new UserError("the " + kind + " judge takes no path (it is the toy model's own), got '" + spec + "'");
      return TOY;
    }
    if (path == null || path.isEmpty()) throw new UserError("the " + kind + " judge needs a path: " + kind.usage());
    try {
      return new JudgeSpec(kind, Path.of(path));
    } catch (InvalidPathException e) {
      throw new UserError("the " + kind + " judge's path '" + path + "' is not a path (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public String toString() {
    return file == null ? kind.cliName() : kind.cliName() + ":" + file;
  }
}
