package org.conceptprune;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers of docs/ARCHITECTURE.md, read from the import lines and fully-qualified
 * {@code org.conceptprune.X} references of every file in {@code src/main/java}: a package may use only
 * packages below it (a package on the same level is sideways, and forbidden; within one package is
 * fine), and no files form a circle of imports. What still breaks a rule is allowed below by name; an
 * allowed entry that no longer occurs fails the test too, so the lists only shrink.
 */
class LayerTest {
  private static final Path MAIN = Path.of("src/main/java");

  /** Top level 0; a package may import only packages of a larger level. */
  private static final Map<String, Integer> LEVEL = Map.ofEntries(
      Map.entry("cli", 0),
      Map.entry("demo", 1),
      Map.entry("experiment", 2), Map.entry("attack", 2),
      Map.entry("conceal", 3),
      Map.entry("revival", 4),
      Map.entry("toy", 5), Map.entry("prune", 5),
      Map.entry("eval", 6), Map.entry("pipeline", 6),
      Map.entry("model", 7),
      Map.entry("nn", 8),
      Map.entry("io", 9), Map.entry("schedule", 9), Map.entry("runtime", 9),
      Map.entry("util", 10));

  /** (package, imported package, file below org/conceptprune) that may still break the order. */
  private static final Set<String> ALLOWED_EDGES = Set.of();

  /** Circles of files (classes below org.conceptprune) that import each other. */
  private static final Set<Set<String>> ALLOWED_CYCLES = Set.of();

  private static final Pattern IMPORT =
      Pattern.compile("^import\\s+(?:static\\s+)?org\\.conceptprune\\.([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern QUALIFIED = Pattern.compile("org\\.conceptprune\\.([a-z][\\w]*(?:\\.[a-z]\\w*)*\\.[A-Z]\\w*)");

  @Test
  void importsGoDownOnly() {
    Map<String, String> sources = sources();
    Set<String> found = new TreeSet<>();
    List<String> unknown = new ArrayList<>();
    sources.forEach((cls, text) -> {
      String from = top(cls);
      if (!LEVEL.containsKey(from)) unknown.add(from + " (" + cls + ")");
      for (String used : references(text)) {
        String to = top(used);
        if (to.equals(from)) continue;
        if (!LEVEL.containsKey(to)) unknown.add(to + " (used by " + cls + ")");
        else if (LEVEL.containsKey(from) && LEVEL.get(to) <= LEVEL.get(from)) {
          found.add(from + " -> " + to + " in " + cls.replace('.', '/') + ".java");
        }
      }
    });
    assertTrue(unknown.isEmpty(), "packages missing from LEVEL: " + unknown);
    assertTrue(sources.size() > 100, "read only " + sources.size() + " files from " + MAIN.toAbsolutePath());
    Set<String> forbidden = new TreeSet<>(found);
    forbidden.removeAll(ALLOWED_EDGES);
    Set<String> gone = new TreeSet<>(ALLOWED_EDGES);
    gone.removeAll(found);
    assertTrue(forbidden.isEmpty(), "imports that go up or sideways:\n  " + String.join("\n  ", forbidden));
    assertTrue(gone.isEmpty(), "allowed edges that no longer occur (delete them from ALLOWED_EDGES):\n  "
        + String.join("\n  ", gone));
  }

  @Test
  void noImportCircles() {
    Map<String, String> sources = sources();
    Map<String, Set<String>> edges = new HashMap<>();
    sources.forEach((cls, text) -> edges.put(cls, references(text).stream()
        .filter(sources::containsKey)
        .filter(u -> !u.equals(cls) && top(u).equals(top(cls)))
        .collect(Collectors.toCollection(TreeSet::new))));
    Set<Set<String>> cycles = new Circles(edges).find();
    Set<Set<String>> forbidden = new HashSet<>(cycles);
    forbidden.removeAll(ALLOWED_CYCLES);
    Set<Set<String>> gone = new HashSet<>(ALLOWED_CYCLES);
    gone.removeAll(cycles);
    assertTrue(forbidden.isEmpty(), "files that import each other in a circle: " + sorted(forbidden));
    assertTrue(gone.isEmpty(), "allowed circles that no longer occur (delete them from ALLOWED_CYCLES): " + sorted(gone));
  }

  /** Class name below org.conceptprune (e.g. {@code toy.clip.ToyClip}) to its source text. */
  private static Map<String, String> sources() {
    Path root = MAIN.resolve("org/conceptprune");
    try (Stream<Path> files = Files.walk(root)) {
      Map<String, String> out = new TreeMap<>();
      for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String rel = root.relativize(p).toString().replace('\\', '/');
        out.put(rel.substring(0, rel.length() - ".java".length()).replace('/', '.'), Files.readString(p));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The classes below org.conceptprune that a file imports or names fully qualified, outer class only. */
  private static Set<String> references(String text) {
    Set<String> out = new TreeSet<>();
    for (Pattern p : List.of(IMPORT, QUALIFIED)) {
      Matcher m = p.matcher(text);
      while (m.find()) out.add(outerClass(m.group(1)));
    }
    return out;
  }

  /** {@code toy.clip.ToyClip.Config} → {@code toy.clip.ToyClip}; {@code util.*} stays a package. */
  private static String outerClass(String name) {
    String[] parts = name.split("\\.");
    StringBuilder b = new StringBuilder();
    for (String s : parts) {
      if (b.length() > 0) b.append('.');
      b.append(s);
      if (Character.isUpperCase(s.charAt(0))) break;
    }
    return b.toString();
  }

  private static String top(String cls) {
    int dot = cls.indexOf('.');
    return dot < 0 ? cls : cls.substring(0, dot);
  }

  private static List<List<String>> sorted(Set<Set<String>> cycles) {
    return cycles.stream().map(c -> c.stream().sorted().toList()).sorted(Comparator.comparing(Object::toString)).toList();
  }

  /** Tarjan's strongly connected components; a component of two or more files is a circle. */
  private static final class Circles {
    private final Map<String, Set<String>> edges;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new HashSet<>();
    private final Set<Set<String>> found = new HashSet<>();

    Circles(Map<String, Set<String>> edges) {
      this.edges = edges;
    }

    Set<Set<String>> find() {
      for (String v : edges.keySet()) if (!index.containsKey(v)) visit(v);
      return found;
    }

    private void visit(String v) {
      index.put(v, index.size());
      low.put(v, index.get(v));
      stack.push(v);
      onStack.add(v);
      for (String w : edges.getOrDefault(v, Set.of())) {
        if (!index.containsKey(w)) {
          visit(w);
          low.put(v, Math.min(low.get(v), low.get(w)));
        } else if (onStack.contains(w)) {
          low.put(v, Math.min(low.get(v), index.get(w)));
        }
      }
      if (low.get(v).equals(index.get(v))) {
        Set<String> component = new TreeSet<>();
        String w;
        do {
          w = stack.pop();
          onStack.remove(w);
          component.add(w);
        } while (!w.equals(v));
        if (component.size() > 1) found.add(Set.copyOf(component));
      }
    }
  }
}
