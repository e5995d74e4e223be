package org.conceptprune.prune;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.conceptprune.util.UserError;

/**
 * Concept families with the calibration templates and defaults of ALGORITHM.md §2 (paper Table 9/10;
 * the authors' code where it differs is noted). Word lists ship in resources/conceptprune/prompts.
 */
public enum ConceptFamily {
  /** target "a {thing} in the style of {artist}", reference "a photo of a {thing}" (authors' code). */
  ART_STYLE("art-style", 0.02, 10, "things.txt"),
  /** target "a photo of a naked {human}", reference "a photo of a {human}". */
  NUDITY("nudity", 0.01, 9, "humans.txt"),
  /** target "a {object} in a {scene}", reference "a {scene}". */
  OBJECT("object", 0.02, 10, "common_scenes.txt"),
  /** target "a photo of a {male}", reference "a photo of a {female}" (M -> F). */
  GENDER("gender", 0.05, 20, null),
  /** any two user-given prompt files, paired line by line. */
  CUSTOM("custom", 0.02, 10, null);

  public final String cliName;
  public final double defaultK;
  public final int defaultTimesteps;
  private final String wordList;

  /** Paired gendered words for GENDER (male -> female). */
  static final List<String[]> GENDER_PAIRS = List.of(
      new String[] {"man", "woman"}, new String[] {"boy", "girl"}, new String[] {"male", "female"},
      new String[] {"gentleman", "lady"}, new String[] {"father", "mother"}, new String[] {"husband", "wife"},
      new String[] {"son", "daughter"}, new String[] {"brother", "sister"}, new String[] {"king", "queen"},
      new String[] {"uncle", "aunt"});

  ConceptFamily(String cliName, double defaultK, int defaultTimesteps, String wordList) {
    this.cliName = cliName;
    this.defaultK = defaultK;
    this.defaultTimesteps = defaultTimesteps;
    this.wordList = wordList;
  }

  public static ConceptFamily fromCli(String s) {
    String n = s.trim().toLowerCase(Locale.ROOT);
    for (ConceptFamily f : values()) if (f.cliName.equals(n)) return f;
    throw new UserError("unknown concept family '" + s + "' (art-style, nudity, object, gender, custom)");
  }

  /** Paired calibration prompts: target i contains the concept, reference i does not. */
  public record Prompts(List<String> target, List<String> reference) {
    public Prompts {
      if (target.size() != reference.size()) {
        throw new UserError("prompt lists of unequal length: " + target.size() + " target vs " + reference.size() + " reference prompts");
      }
      if (target.isEmpty()) throw new UserError("no calibration prompts");
    }
  }

  /**
   * Builds the calibration prompts of a concept.
   *
   * @param concept the artist for art-style, the object for object; ignored by nudity and gender
   * @param words the family's word list, or null for the shipped one
   */
  public Prompts prompts(String concept, List<String> words) {
    List<String> t = new ArrayList<>();
    List<String> r = new ArrayList<>();
    switch (this) {
      case ART_STYLE -> {
        for (String w : words != null ? words : shipped()) {
          t.add("a " + w + " in the style of " + concept);
          r.add("a photo of a " + w);
        }
      }
      case NUDITY -> {
        for (String w : words != null ? words : shipped()) {
          t.add("a photo of a naked " + w);
          r.add("a photo of a " + w);
        }
      }
      case OBJECT -> {
        for (String w : words != null ? words : shipped()) {
          t.add("a " + concept + " in a " + w);
          r.add("a " + w);
        }
      }
      case GENDER -> {
        for (String[] p : GENDER_PAIRS) {
          t.add("a photo of a " + p[0]);
          r.add("a photo of a " + p[1]);
        }
      }
      case CUSTOM -> throw new UserError("family custom needs --target-prompts and --reference-prompts");
    }
    return new Prompts(t, r);
  }

  /** The shipped word list of this family. */
  public List<String> shipped() {
    if (wordList == null) return List.of();
    String res = "/conceptprune/prompts/calibration/" + wordList;
    try (InputStream in = ConceptFamily.class.getResourceAsStream(res)) {
      if (in == null) throw new IllegalStateException("missing resource " + res);
      return lines(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a prompt file: one prompt per line, blank lines skipped, lines kept verbatim otherwise. */
  public static List<String> readPromptFile(Path p) {
    try {
      return lines(Files.readString(p, StandardCharsets.UTF_8));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new UserError(p + ": no such prompt file");
    } catch (IOException e) {
      throw new UserError(p + ": cannot read (" + e.getMessage() + ")");
    }
  }

  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    for (String l : text.split("\r?\n")) if (!l.isBlank()) out.add(l.strip());
    return out;
  }
}
