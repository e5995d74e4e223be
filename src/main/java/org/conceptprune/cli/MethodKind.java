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

  /**
   * Each method's options only with that method, for {@code prune} and {@code mask} alike.
   *
   * @param fiaOptions whether --r1, --r2, --r2-for or --alpha was given
   * @param conceptPruneOptions ConceptPrune's options that were given (e.g. "--rho"), empty when none
   */
  void refuseOthersOptions(boolean fiaOptions, java.util.List<String> conceptPruneOptions) {
    if (this == CONCEPTPRUNE && fiaOptions) {
      throw new org.conceptprune.util.UserError("--r1, --r2, --r2-for and --alpha are FIA's; add --method fia");
    }
    if (this == FIA && !conceptPruneOptions.isEmpty()) {
      throw new org.conceptprune.util.UserError(String.join(", ", conceptPruneOptions)
          + ": ConceptPrune's options; FIA has no vote, k or control variant (it takes --r1, --r2, --alpha)");
    }
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
