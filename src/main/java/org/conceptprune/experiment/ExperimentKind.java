package org.conceptprune.experiment;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.conceptprune.util.UserError;

/** The experiments {@code evaluate --experiment} runs, by their command-line names. */
public enum ExperimentKind {
  TOY("toy"), OBJECT("object"), NUDITY("nudity"), ART_STYLE("art-style"), GENDER("gender"), COCO("coco");

  private final String cliName;

  ExperimentKind(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  /** {@code toy}, {@code object}, ...: the kind, or a {@link UserError} listing the names. */
  public static ExperimentKind parse(String name) {
    for (ExperimentKind k : values()) if (k.cliName.equals(name)) return k;
    throw new UserError("unknown experiment '" + name + "' ("
        + Arrays.stream(values()).map(ExperimentKind::cliName).collect(Collectors.joining(", ")) + ")");
  }

  /**
   * What {@code --experiment} names: an experiment, or a recipe file (a path ending in .json) whose
   * "experiment" key names one.
   */
  public record Choice(ExperimentKind kind, java.nio.file.Path recipe) {
    public static Choice parse(String s) {
      if (s.toLowerCase(Locale.ROOT).endsWith(".json")) return new Choice(null, java.nio.file.Path.of(s));
      return new Choice(ExperimentKind.parse(s), null);
    }

    /** The recipe file's settings ({@link Recipe#NONE} for a plain name). */
    public Recipe readRecipe() {
      return recipe == null ? Recipe.NONE : Recipe.read(recipe);
    }
  }

  @Override
  public String toString() {
    return cliName;
  }
}
