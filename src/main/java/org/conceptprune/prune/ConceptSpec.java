package org.conceptprune.prune;

import java.util.Locale;

/**
 * One concept to erase: its name (the artist, the object, or a label), family and calibration prompts,
 * with the k and t̂ to use (the family's defaults unless given).
 */
public record ConceptSpec(String name, ConceptFamily family, ConceptFamily.Prompts prompts, double k, int timesteps) {
  public ConceptSpec {
    checkK(k);
  }

  /** k must lie in (0, 1): the fraction of each row's columns considered. */
  public static void checkK(double k) {
    checkK("k", k);
  }

  /** The one check of every k (the option's name in the message): it must lie in (0, 1). */
  public static void checkK(String option, double k) {
    if (!(k > 0 && k < 1)) throw new org.conceptprune.util.UserError(option + " must lie in (0, 1), got " + k);
  }

  /** A file-name-safe form of the name. */
  public String slug() {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    return s.isEmpty() ? family.cliName : s;
  }
}
