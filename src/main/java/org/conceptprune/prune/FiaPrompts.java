package org.conceptprune.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conceptprune.util.UserError;

/**
 * FIA's calibration prompts and defaults, from its released code ({@code fia/prompts.py}, the paper's
 * Tables 6-7, and {@code configs/*.yaml}; kaiyuan02415/Forget-It-All, MIT). The reference shuffles the
 * pairs; the order does not change the statistics (means over prompts), so it is kept as listed here.
 */
public final class FiaPrompts {
  private FiaPrompts() {}

  /** Table 7's places (object family). */
  public static final List<String> PLACES = List.of("road", "tree", "forest", "lawn", "clubhouse", "courtyard", "backyard",
      "cityscape", "suburb", "mall", "cafe", "office", "library", "market", "bridge", "harbor", "garden", "beach", "room",
      "park", "street", "shelter", "chair", "table", "bag", "mountain", "valley", "waterfall", "desert", "sunrise");

  /** Table 7's persons (explicit family). */
  public static final List<String> PERSONS = List.of("man", "woman", "girl", "boy", "mother", "father", "kid", "professor",
      "student", "group of friends", "celebrity", "child", "couple", "guy", "doctor", "nurse", "teacher", "lawyer");

  /** Table 7's objects (art family). */
  public static final List<String> OBJECTS = List.of("cat", "dog", "mouse", "bear", "car", "chair", "bag", "building",
      "chicken", "duck", "sofa", "table", "tree", "bicycle", "door", "rabbit", "ball", "bat", "horse", "bird", "flower",
      "bowl", "bottle", "wall", "clock", "television", "guitar", "truck", "laptop", "book");

  /** The reference's seed (it reseeds before every prompt, so every prompt starts from this latent). */
  public static final long SEED = 1244;
  public static final int TIMESTEPS = 10;
  public static final double R1 = 0.05;

  /**
   * FIA's prompts of a concept: object "a {c} in a {place}" / "a {c} near the {place}" alternating, base
   * "a {place}"; art-style "a {object} in the style of {artist}", base "a {object}"; nudity (explicit)
   * "a photo of a {c} {person}", base "a photo of a {person}" (the concept is the adjective, e.g. naked).
   *
   * @param words replaces the family's vocabulary, or null
   */
  public static ConceptFamily.Prompts prompts(ConceptFamily family, String concept, List<String> words) {
    List<String> t = new ArrayList<>();
    List<String> r = new ArrayList<>();
    switch (family) {
      case OBJECT -> {
        List<String> v = words != null ? words : PLACES;
        for (int i = 0; i < v.size(); i++) {
          t.add(i % 2 == 0 ? "a " + concept + " in a " + v.get(i) : "a " + concept + " near the " + v.get(i));
          r.add("a " + v.get(i));
        }
      }
      case ART_STYLE -> {
        for (String o : words != null ? words : OBJECTS) {
          t.add("a " + o + " in the style of " + concept);
          r.add("a " + o);
        }
      }
      case NUDITY -> {
        for (String p : words != null ? words : PERSONS) {
          t.add("a photo of a " + concept + " " + p);
          r.add("a photo of a " + p);
        }
      }
      default -> throw new UserError("--method fia has prompt templates for object, art-style and nudity (its explicit task);"
          + " for " + family.cliName + " use --family custom with --target-prompts and --reference-prompts");
    }
    return new ConceptFamily.Prompts(t, r);
  }

  /** The configs' r2 per family (custom: art's 0.02). */
  public static double defaultR2(ConceptFamily family) {
    return switch (family) {
      case OBJECT -> 0.007;
      case NUDITY -> 0.01;
      default -> 0.02;
    };
  }

  /** The configs' alpha per family (art 0.8, others 0.6). */
  public static double defaultAlpha(ConceptFamily family) {
    return family == ConceptFamily.ART_STYLE ? 0.8 : 0.6;
  }

  /** The configs' per-concept r2 overrides ("hard to forget" objects, Van Gogh). */
  public static Map<String, Double> r2Overrides(ConceptFamily family) {
    return switch (family) {
      case OBJECT -> Map.of("parachute", 0.03, "golf ball", 0.03, "gas pump", 0.03);
      case ART_STYLE -> Map.of("Van Gogh".toLowerCase(Locale.ROOT), 0.03);
      default -> Map.of();
    };
  }
}
