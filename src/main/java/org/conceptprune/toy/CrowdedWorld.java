package org.conceptprune.toy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.conceptprune.toy.ToyWorld.Style;
import org.conceptprune.toy.ToyWorld.Texture;
import org.conceptprune.util.UserError;

/**
 * Draws a crowded toy world: many styles, each an invented two-syllable name and a random texture,
 * angle, period, duty and two-colour palette, with every candidate too close to an earlier style
 * ({@link #tooClose}) drawn again, so that a judge can tell all of them apart at 32x32. Each style
 * has one object held out of training, the objects taking turns over a seeded order of the styles.
 * Deterministic: the same (numStyles, seed) gives the same world on any machine.
 */
final class CrowdedWorld {
  private CrowdedWorld() {}

  static final int MIN_STYLES = 2;
  static final int MAX_STYLES = 240;

  /** Two palettes closer than this ({@link #paletteDistance}) are too close whatever the textures. */
  static final double MIN_PALETTE_DISTANCE = 0.30;
  /** Within a texture family, palettes closer than this need clearly different geometry. */
  static final double MIN_FAMILY_PALETTE_DISTANCE = 0.50;
  /** Geometry that tells two same-family styles apart: a period ratio of at least this ... */
  static final double FAR_PERIOD_RATIO = 1.4;
  /** ... or texture angles at least this far apart (degrees, modulo the texture's symmetry). */
  static final double FAR_ANGLE_DEG = 40;
  /** Palette colours: at least this far apart (RGB distance), each this far from the grey background. */
  static final double MIN_CONTRAST = 0.55;
  static final double MIN_FROM_GREY = 0.25;

  /** Textures that may look alike once blurred: straight or wavy bands, lattices, patterns around the centre. */
  enum Family { BANDS, LATTICE, RADIAL }

  static Family family(Texture t) {
    return switch (t) {
      case STRIPES, THIN_STRIPES, WAVES, ZIGZAG -> Family.BANDS;
      case CHECKS, DOTS, GRID, CROSSHATCH -> Family.LATTICE;
      case RINGS, SPIRAL, SPOKES -> Family.RADIAL;
    };
  }

  /** The angle after which a family's textures repeat (0: the angle does not show). */
  static double symmetryDeg(Family f) {
    return switch (f) {
      case BANDS -> 180;
      case LATTICE -> 90;
      case RADIAL -> 0;
    };
  }

  private static final int TRIES = 400;

  static World make(String name, int numStyles, long seed) {
    if (numStyles < MIN_STYLES || numStyles > MAX_STYLES) {
      throw new UserError("toy world " + name + ": the number of styles must be in [" + MIN_STYLES + ", " + MAX_STYLES + "]");
    }
    SplittableRandom r = new SplittableRandom(seed ^ 0xC0FFEE5EEDL);
    Set<String> used = new HashSet<>(World.OBJECTS);
    used.addAll(World.GRAMMAR);
    for (Style c : ClassicStyles.STYLES) used.add(c.name()); // no crowded style shares a classic style's name
    List<Style> styles = new ArrayList<>();
    Texture[] order = Texture.values().clone();
    while (styles.size() < numStyles) {
      shuffle(order, r);
      for (int i = 0; i < order.length && styles.size() < numStyles; i++) {
        Style s = draw(order, i, styles, r);
        if (s == null) {
          throw new UserError("toy world " + name + ": found only " + styles.size() + " styles that a judge can tell apart"
              + " (every texture tried " + TRIES + " times); ask for fewer styles");
        }
        String word = name(r, used);
        used.add(word);
        styles.add(new Style(word, s.texture(), s.angleDeg(), s.period(), s.colorA(), s.colorB(), s.duty()));
      }
    }
    // held out: style perm[i] without object i % numObjects
    int[] perm = new int[numStyles];
    for (int i = 0; i < numStyles; i++) perm[i] = i;
    for (int i = numStyles - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] objectOf = new int[numStyles];
    for (int i = 0; i < numStyles; i++) objectOf[perm[i]] = i % World.OBJECTS.size();
    int[][] held = new int[numStyles][];
    for (int s = 0; s < numStyles; s++) held[s] = new int[] {objectOf[s], s};
    return new World(name, World.OBJECTS, styles, held);
  }

  /** A style of texture order[i] far from all earlier ones, else of the next textures in turn; null if none fits. */
  private static Style draw(Texture[] order, int i, List<Style> earlier, SplittableRandom r) {
    for (int k = 0; k < order.length; k++) {
      Texture t = order[(i + k) % order.length];
      for (int tries = 0; tries < TRIES; tries++) {
        Style c = candidate(t, r);
        boolean ok = true;
        for (Style e : earlier) {
          if (tooClose(c, e)) {
            ok = false;
            break;
          }
        }
        if (ok) return c;
      }
    }
    return null;
  }

  private static void shuffle(Texture[] a, SplittableRandom r) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      Texture t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  private static double uniform(SplittableRandom r, double lo, double hi) {
    return lo + (hi - lo) * r.nextDouble();
  }

  private static double round(double v, double step) {
    return Math.round(v / step) * step;
  }

  /** A random style of texture t (unnamed): angle, period, duty and palette in the ranges the renderer draws well. */
  static Style candidate(Texture t, SplittableRandom r) {
    double angle = switch (t) {
      case STRIPES, THIN_STRIPES, WAVES, ZIGZAG -> Math.floor(uniform(r, 0, 180));
      case CHECKS, DOTS -> Math.floor(uniform(r, 0, 90));
      case GRID -> Math.floor(uniform(r, -20, 20) + 90) % 90; // near the axes
      case CROSSHATCH -> Math.floor(uniform(r, 25, 65)); // diagonal
      case RINGS, SPIRAL, SPOKES -> 0; // the random phase turns these anyway
    };
    double period = t == Texture.SPOKES ? 5 + r.nextInt(6) : round(uniform(r, 5.5, 10), 0.1);
    double duty = switch (t) {
      case STRIPES, WAVES, ZIGZAG, RINGS, SPIRAL, SPOKES -> round(uniform(r, 0.4, 0.6), 0.01);
      case THIN_STRIPES -> round(uniform(r, 0.2, 0.32), 0.01);
      case DOTS -> round(uniform(r, 0.25, 0.36), 0.01);
      case GRID, CROSSHATCH -> round(uniform(r, 0.2, 0.3), 0.01);
      case CHECKS -> t.defaultDuty;
    };
    float[] a;
    float[] b;
    do {
      a = colour(r);
      b = colour(r);
    } while (dist(a, b) < MIN_CONTRAST || dist(a, GREY) < MIN_FROM_GREY || dist(b, GREY) < MIN_FROM_GREY);
    return new Style("candidate", t, angle, period, a, b, duty);
  }

  private static final float[] GREY = {0.5f, 0.5f, 0.5f};

  private static float[] colour(SplittableRandom r) {
    float[] c = new float[3];
    for (int k = 0; k < 3; k++) c[k] = (float) round(uniform(r, 0.04, 0.96), 0.01);
    return c;
  }

  static double dist(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < 3; k++) s += (double) (a[k] - b[k]) * (a[k] - b[k]);
    return Math.sqrt(s);
  }

  /**
   * How far apart two palettes are: d = min over the two ways of matching the colours of the larger
   * of the two colour distances, i.e. d is large when at least one colour differs in either matching
   * (stripes of duty 0.5 look the same with A and B swapped, so swapped palettes count as equal).
   */
  static double paletteDistance(Style p, Style q) {
    double straight = Math.max(dist(p.colorA(), q.colorA()), dist(p.colorB(), q.colorB()));
    double swapped = Math.max(dist(p.colorA(), q.colorB()), dist(p.colorB(), q.colorA()));
    return Math.min(straight, swapped);
  }

  /**
   * The rejection rule: two styles are too close when their palettes are within
   * {@link #MIN_PALETTE_DISTANCE}, or when they are of the same {@link Family} with palettes within
   * {@link #MIN_FAMILY_PALETTE_DISTANCE} and neither period (ratio {@link #FAR_PERIOD_RATIO}) nor angle
   * ({@link #FAR_ANGLE_DEG}) tells them apart. Different textures of one family do not count as different.
   */
  static boolean tooClose(Style c, Style e) {
    double pd = paletteDistance(c, e);
    if (pd < MIN_PALETTE_DISTANCE) return true;
    Family f = family(c.texture());
    if (f != family(e.texture()) || pd >= MIN_FAMILY_PALETTE_DISTANCE) return false;
    double ratio = Math.max(c.period(), e.period()) / Math.min(c.period(), e.period());
    if (ratio >= FAR_PERIOD_RATIO) return false;
    double sym = symmetryDeg(f);
    if (sym > 0) {
      double d = Math.abs(c.angleDeg() - e.angleDeg()) % sym;
      if (Math.min(d, sym - d) >= FAR_ANGLE_DEG) return false;
    }
    return true;
  }

  // invented names, e.g. "zorbly" (onset, vowel, bridge, ending) or "frusk" (onset, vowel, final)
  private static final String[] ONSETS = {"b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br",
      "dr", "fl", "gl", "gr", "kl", "kr", "pl", "pr", "sk", "sl", "sn", "sp", "st", "tr", "sh", "th", "ch", "qu", "w", "j"};
  private static final String[] VOWELS = {"a", "e", "i", "o", "u", "ai", "oo", "ee", "ou"};
  private static final String[] BRIDGES = {"b", "d", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "bb", "dd",
      "gg", "kk", "ll", "mm", "nn", "pp", "rr", "ss", "tt", "vv", "zz", "rb", "rd", "rg", "rk", "rl", "rm", "rn", "rp",
      "rs", "rt", "rv", "lb", "ld", "lk", "lm", "lp", "lt", "lv", "mb", "mp", "nd", "ng", "nk", "nt", "sk", "sp", "st",
      "bl", "br", "dr", "gl", "gr", "kl", "kr", "pl", "pr", "tr", "mbl", "rbl", "ngl", "nkl", "mpl", "ndr", "str"};
  private static final String[] ENDINGS = {"a", "o", "y", "ic", "ish", "el", "et", "er", "en", "ow", "ix", "um", "an",
      "ly", "le", "ith", "us", "ot", "ax", "eth", "ine", "ock", "ub", "isk", "on", "ent", "ard"};
  private static final String[] FINALS = {"sk", "nth", "mp", "nk", "st", "rk", "lk", "sh", "x", "th", "rn", "ft", "lf",
      "nd", "rv", "zz"};

  /** A pronounceable lower-case word of 4-9 letters, not in used. */
  static String name(SplittableRandom r, Set<String> used) {
    while (true) {
      String w;
      if (r.nextInt(4) == 0) {
        w = pick(ONSETS, r) + pick(VOWELS, r) + pick(FINALS, r);
      } else {
        String bridge = pick(BRIDGES, r);
        String end = pick(ENDINGS, r);
        char last = bridge.charAt(bridge.length() - 1);
        if (end.startsWith("l") && (last == 'l' || last == 'r') || end.equals("le") && "bdgkpt".indexOf(last) < 0) continue;
        w = pick(ONSETS, r) + pick(VOWELS, r) + bridge + end;
      }
      if (w.length() >= 4 && w.length() <= 9 && !used.contains(w) && !tripled(w)) return w;
    }
  }

  private static boolean tripled(String w) {
    for (int i = 2; i < w.length(); i++) if (w.charAt(i) == w.charAt(i - 1) && w.charAt(i) == w.charAt(i - 2)) return true;
    return false;
  }

  private static String pick(String[] a, SplittableRandom r) {
    return a[r.nextInt(a.length)];
  }

  /** For messages and docs: one line per style. */
  static String describe(Style s) {
    return String.format(java.util.Locale.ROOT, "%-10s %-12s angle %5.1f period %4.1f duty %.2f A %s B %s", s.name(),
        s.texture(), s.angleDeg(), s.period(), s.duty(), Arrays.toString(s.colorA()), Arrays.toString(s.colorB()));
  }
}
