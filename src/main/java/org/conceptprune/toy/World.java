package org.conceptprune.toy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.conceptprune.toy.ToyWorld.Style;
import org.conceptprune.util.UserError;

/**
 * A toy world as a value: its objects (the renderer's shapes), its styles (invented words naming a
 * texture and a palette), the (object, style) pairs held out of training, and the caption grammar
 * over them. {@link #classic()} is the world the shipped model was trained on (16 hand-made styles);
 * {@link #crowded(int, long)} draws a world with many styles ({@link CrowdedWorld}). A world is named
 * by {@link #name()} ({@code classic}, {@code crowded:N:SEED}); {@link #named(String)} reads the name
 * back, and the same name always gives the same world.
 */
public final class World {
  public static final String CLASSIC = "classic";
  public static final String CROWDED = "crowded";

  /** The objects of every world: {@link ToyWorld.Shape}, in its order. */
  static final List<String> OBJECTS = List.of("circle", "square", "triangle", "star", "cross", "heart");

  /** Words of the caption grammar, which no style may be named. */
  static final Set<String> GRAMMAR = Set.of("a", "an", "in", "style", "shape", "the", "of");

  private final String name;
  private final List<String> objects;
  private final List<Style> styles;
  private final List<String> styleNames;
  private final int[][] heldOut;
  private final boolean[][] held;
  private final Map<String, Caption> byText = new HashMap<>();

  /**
   * @param heldOut {object, style} index pairs never shown in training
   * @throws IllegalArgumentException for duplicate or grammar-word style names, or pairs out of range
   */
  World(String name, List<String> objects, List<Style> styles, int[][] heldOut) {
    this.name = name;
    this.objects = List.copyOf(objects);
    this.styles = List.copyOf(styles);
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>(objects);
    for (Style s : styles) {
      if (!s.name().matches("[a-z]+") || GRAMMAR.contains(s.name()) || !seen.add(s.name())) {
        throw new IllegalArgumentException("world " + name + ": bad or repeated style name '" + s.name() + "'");
      }
      names.add(s.name());
    }
    this.styleNames = Collections.unmodifiableList(names);
    this.held = new boolean[objects.size()][styles.size()];
    this.heldOut = new int[heldOut.length][];
    for (int i = 0; i < heldOut.length; i++) {
      int[] p = heldOut[i];
      if (p[0] < 0 || p[0] >= objects.size() || p[1] < 0 || p[1] >= styles.size()) {
        throw new IllegalArgumentException("world " + name + ": held-out pair " + p[0] + "," + p[1] + " out of range");
      }
      this.heldOut[i] = p.clone();
      held[p[0]][p[1]] = true;
    }
    // every caption of the grammar, first occurrence in (object, style, template) order wins
    for (int o = 0; o < objects.size(); o++) {
      for (int s = 0; s < styles.size(); s++) {
        for (Caption.Template t : Caption.Template.values()) {
          Caption c = caption(o, s, t);
          byText.putIfAbsent(c.text(), c);
        }
      }
    }
  }

  private static final Map<String, World> CACHE = new ConcurrentHashMap<>();

  /** The world of the shipped toy model: 6 objects, 16 hand-made styles, 8 held-out pairs. */
  public static World classic() {
    return CACHE.computeIfAbsent(CLASSIC, n -> new World(CLASSIC, OBJECTS, ClassicStyles.STYLES, ClassicStyles.HELD_OUT));
  }

  /** A world of numStyles generated styles ({@link CrowdedWorld}), named {@code crowded:N:SEED}. */
  static World crowded(int numStyles, long seed) {
    String n = CROWDED + ":" + numStyles + ":" + seed;
    return CACHE.computeIfAbsent(n, k -> CrowdedWorld.make(k, numStyles, seed));
  }

  /** The crowded world's default size. */
  public static final int DEFAULT_CROWDED_STYLES = 120;

  /**
   * The world a name denotes: {@code classic}, {@code crowded:N:SEED} (N styles from seed SEED) or
   * {@code crowded} (= {@code crowded:120:0}).
   *
   * @throws UserError for any other text, naming what is accepted
   */
  public static World named(String spec) {
    String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
    if (s.equals(CLASSIC)) return classic();
    if (s.equals(CROWDED)) return crowded(DEFAULT_CROWDED_STYLES, 0);
    String[] p = s.split(":", -1);
    if (p.length == 3 && p[0].equals(CROWDED)) {
      int n;
      long seed;
      try {
        n = Integer.parseInt(p[1]);
        seed = Long.parseLong(p[2]);
      } catch (NumberFormatException e) {
        throw new UserError("toy world '" + spec + "': N and SEED of crowded:N:SEED must be integers");
      }
      if (n < CrowdedWorld.MIN_STYLES || n > CrowdedWorld.MAX_STYLES) {
        throw new UserError("toy world '" + spec + "': the number of styles must be in [" + CrowdedWorld.MIN_STYLES + ", "
            + CrowdedWorld.MAX_STYLES + "], got " + n);
      }
      return crowded(n, seed);
    }
    throw new UserError("unknown toy world '" + spec + "': expected 'classic' or 'crowded:N:SEED' (e.g. crowded:120:0)");
  }

  /** The name that {@link #named} reads back to this world. */
  public String name() {
    return name;
  }

  public boolean isClassic() {
    return name.equals(CLASSIC);
  }

  public List<String> objects() {
    return objects;
  }

  public List<Style> styles() {
    return styles;
  }

  public Style style(int index) {
    return styles.get(index);
  }

  public List<String> styleNames() {
    return styleNames;
  }

  public int numObjects() {
    return objects.size();
  }

  public int numStyles() {
    return styles.size();
  }

  public boolean hasStyle(String name) {
    return styleNames.contains(name);
  }

  public boolean hasObject(String name) {
    return objects.contains(name);
  }

  /** Whether a concept name is a style (true) or an object (false) of this world; a clear error if neither. */
  public boolean isStyleConcept(String concept) {
    if (hasStyle(concept)) return true;
    if (hasObject(concept)) return false;
    throw new org.conceptprune.util.UserError("'" + concept + "' is neither a style " + abbreviated(styleNames) + " nor an object "
        + objects + " of the " + name + " toy world");
  }

  public int objectIndex(String name) {
    int i = objects.indexOf(name.toLowerCase(Locale.ROOT));
    if (i < 0) throw new IllegalArgumentException("unknown object '" + name + "', expected one of " + objects);
    return i;
  }

  public int styleIndex(String name) {
    for (int i = 0; i < styles.size(); i++) if (styles.get(i).name().equalsIgnoreCase(name)) return i;
    throw new IllegalArgumentException("unknown style '" + name + "' in the " + this.name + " toy world, expected one of "
        + abbreviated(styleNames));
  }

  /** A name list for messages: whole up to 24 names, else the first 20 and a count. */
  public static String abbreviated(List<String> names) {
    if (names.size() <= 24) return names.toString();
    return names.subList(0, 20) + " and " + (names.size() - 20) + " more";
  }

  /** The held-out pairs as {object, style} index pairs. */
  public List<int[]> heldOutPairs() {
    List<int[]> out = new ArrayList<>();
    for (int[] p : heldOut) out.add(p.clone());
    return out;
  }

  public boolean isHeldOut(int object, int style) {
    return held[object][style];
  }

  /** All (object, style) pairs that are not held out, object-major. */
  public List<int[]> trainingPairs() {
    List<int[]> out = new ArrayList<>();
    for (int o = 0; o < numObjects(); o++) {
      for (int s = 0; s < numStyles(); s++) if (!isHeldOut(o, s)) out.add(new int[] {o, s});
    }
    return out;
  }

  /** The caption of (object, style) under a template. */
  public Caption caption(int object, int style, Caption.Template t) {
    String text = t.render(objects.get(object), styles.get(style).name());
    return new Caption(text, t.namesObject ? object : -1, t.namesStyle ? style : -1, t);
  }

  /** All captions of a pair, one per template. */
  public List<Caption> captions(int object, int style) {
    List<Caption> out = new ArrayList<>();
    for (Caption.Template t : Caption.Template.values()) out.add(caption(object, style, t));
    return out;
  }

  /**
   * A random caption of the pair: full captions (both templates) half of the time, object-only and
   * style-only a quarter each (one draw from the stream).
   */
  public Caption randomCaption(int object, int style, SplittableRandom rng) {
    double u = rng.nextDouble();
    Caption.Template t = u < 0.25 ? Caption.Template.STYLE_OBJECT
        : u < 0.5 ? Caption.Template.OBJECT_IN_STYLE
        : u < 0.75 ? Caption.Template.OBJECT_ONLY
        : Caption.Template.STYLE_SHAPE;
    return caption(object, style, t);
  }

  /**
   * Parses a caption of the grammar back into (object, style); -1 for what it does not name.
   * Returns null for text outside the grammar.
   */
  Caption parse(String text) {
    return byText.get(text.trim().toLowerCase(Locale.ROOT));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof World w && w.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name + " (" + numObjects() + " objects, " + numStyles() + " styles, " + heldOut.length + " held-out pairs)";
  }
}
