package org.conceptprune.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The 1,000 ImageNet-1k class names in torchvision's order ({@code _IMAGENET_CATEGORIES}: index i
 * names logit i), shipped as {@code conceptprune/imagenet/classes.txt}.
 */
public final class ImageNetClasses {
  public static final int COUNT = 1000;
  private static final String RESOURCE = "/conceptprune/imagenet/classes.txt";
  private static List<String> names;

  private ImageNetClasses() {}

  public static synchronized List<String> names() {
    if (names == null) names = List.copyOf(read());
    return names;
  }

  /** The index of a name, case-insensitive (the first of two equal names, e.g. "crane"), or -1. */
  public static int indexOf(String name) {
    String want = name.strip().toLowerCase(Locale.ROOT);
    List<String> names = names();
    for (int i = 0; i < names.size(); i++) if (names.get(i).strip().toLowerCase(Locale.ROOT).equals(want)) return i;
    return -1;
  }

  /** The class a concept names: its index ("497"), or its name with _ for spaces ("garbage_truck", "chain saw"); -1 for none. */
  public static int lookup(String concept) {
    String want = concept.strip().toLowerCase(Locale.ROOT).replace('_', ' ');
    if (want.matches("\\d+")) {
      int i = Integer.parseInt(want);
      if (i < COUNT) return i;
    }
    return indexOf(want);
  }

  private static List<String> read() {
    try (InputStream in = ImageNetClasses.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("resource missing: " + RESOURCE);
      List<String> out = new ArrayList<>();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null;) if (!line.isEmpty()) out.add(line);
      }
      if (out.size() != COUNT) throw new IllegalStateException(RESOURCE + " has " + out.size() + " names, expected " + COUNT);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
