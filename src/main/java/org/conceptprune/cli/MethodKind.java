package org.conceptprune.cli;

import picocli.CommandLine;

/** The erasure methods {@code --method} names. */
enum MethodKind {
  CONCEPTPRUNE("conceptprune"),
  FIA("fia");

  final String cliName;

  MethodKind(String cliName) {
    this.cliName = cliName;
  }

  /** conceptprune | fia, with the valid names in the error. */
  static final class Converter implements CommandLine.ITypeConverter<MethodKind> {
    @Override
    public MethodKind convert(String s) {
      for (MethodKind m : values()) if (m.cliName.equals(s)) return m;
      throw new CommandLine.TypeConversionException("unknown method '" + s + "' (expected conceptprune or fia)");
    }
  }
}
