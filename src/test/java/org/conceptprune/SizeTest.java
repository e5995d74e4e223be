package org.conceptprune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The size rules of issue 23, read from {@code src/main/java}: no file over {@value #FILE_LINES} lines;
 * in {@code cli}, where a command only parses, builds a request, calls and prints, no file over
 * {@value #CLI_FILE_LINES} lines and no method over {@value #CLI_METHOD_LINES} (from the line of its
 * signature, annotations not counted, to its closing brace).
 */
class SizeTest {
  private static final Path MAIN = Path.of("src/main/java");
  static final int FILE_LINES = 400;
  static final int CLI_FILE_LINES = 200;
  static final int CLI_METHOD_LINES = 50;

  @Test
  void filesAndCliMethodsStaySmall() {
    List<String> over = new ArrayList<>();
    int files = 0;
    for (Path p : javaFiles()) {
      files++;
      List<String> lines = read(p);
      String name = MAIN.relativize(p).toString().replace('\\', '/');
      boolean cli = name.startsWith("org/conceptprune/cli/");
      int limit = cli ? CLI_FILE_LINES : FILE_LINES;
      if (lines.size() > limit) over.add(name + ": " + lines.size() + " lines (at most " + limit + ")");
      if (!cli) continue;
      for (Member m : members(String.join("\n", lines))) {
        if (m.lines() > CLI_METHOD_LINES) {
          over.add(name + ":" + m.line() + " " + m.name() + ": " + m.lines() + " lines (at most " + CLI_METHOD_LINES + ")");
        }
      }
    }
    assertTrue(files > 100, "read only " + files + " files from " + MAIN.toAbsolutePath());
    assertTrue(over.isEmpty(), "too long (split it; move domain logic down into the package that owns it):\n  "
        + String.join("\n  ", over));
  }

  /** The parser on a hand-made class: braces in annotations, strings, chars, comments and text blocks. */
  @Test
  void membersAreMeasuredAtClassBodyDepthOnly() {
    String src = String.join("\n",
        "@Command(name = \"x\", subcommands = {A.class, B.class})", // 1
        "public final class X implements Runnable {",               // 2
        "  @Option(names = {\"-o\", \"--out\"}) Path out;",         // 3
        "  static final int[] XS = {1, 2};",                        // 4
        "  private final Runnable r = () -> {",                     // 5
        "    System.out.println(\"}\");",                           // 6
        "  };",                                                     // 7
        "  @Override",                                              // 8
        "  public void run() {",                                    // 9
        "    char c = '{'; String s = \"{{\"; // }",                // 10
        "    /* } */ new Thread() {",                               // 11
        "      public void run() {}",                               // 12
        "    };",                                                   // 13
        "    String t = \"\"\"",                                    // 14
        "        }}} \\\"\"\" \"",                                  // 15
        "        \"\"\";",                                          // 16
        "  }",                                                      // 17
        "  static final class Inner {",                             // 18
        "    <T> T or(T v,",                                        // 19
        "        T def) {",                                         // 20
        "      return v != null ? v : def;",                        // 21
        "    }",                                                    // 22
        "    void record(int x) {}",                                // 23
        "  }",                                                      // 24
        "  private record R(int a) {",                              // 25
        "    R {",                                                  // 26
        "    }",                                                    // 27
        "  }",                                                      // 28
        "}");                                                       // 29
    assertEquals(List.of(new Member("run", 9, 9), new Member("or", 19, 4), new Member("record", 23, 1), new Member("R", 26, 2)),
        members(src));
  }

  /** A method, constructor or initializer: its name, the line its signature starts on and its length. */
  record Member(String name, int line, int lines) {}

  private static final Pattern TYPE = Pattern.compile("(?<![.\\w])(class|interface|enum|record)\\s+\\w");

  /**
   * The members with a body at class-body depth (methods, constructors, initializers; those of nested
   * classes too), found by counting braces outside strings, chars and comments. Lambdas, anonymous
   * classes and local classes sit inside a member's body and are part of it.
   */
  static List<Member> members(String src) {
    List<Member> out = new ArrayList<>();
    Set<Integer> classBodies = new HashSet<>();
    StringBuilder header = new StringBuilder();
    List<Integer> headerLines = new ArrayList<>();
    int depth = 0;
    int parens = 0;
    int line = 1;
    int memberDepth = -1; // the depth a member's body opened at, or -1 outside one
    String memberName = null;
    int memberLine = 0;
    for (int i = 0; i < src.length(); i++) {
      char c = src.charAt(i);
      if (c == '\n') line++;
      // skip comments, strings, text blocks and chars, counting their lines
      if (c == '/' && i + 1 < src.length() && src.charAt(i + 1) == '/') {
        while (i + 1 < src.length() && src.charAt(i + 1) != '\n') i++;
        continue;
      }
      if (c == '/' && i + 1 < src.length() && src.charAt(i + 1) == '*') {
        int end = src.indexOf("*/", i + 2);
        end = end < 0 ? src.length() : end + 2;
        line += count(src, i, end);
        i = end - 1;
        continue;
      }
      if (c == '"' || c == '\'') {
        String quote = src.startsWith("\"\"\"", i) ? "\"\"\"" : String.valueOf(c);
        int j = i + quote.length();
        while (j < src.length() && !src.startsWith(quote, j)) j += src.charAt(j) == '\\' ? 2 : 1;
        int end = Math.min(src.length(), j + quote.length());
        line += count(src, i, end);
        i = end - 1;
        if (memberDepth < 0) append(header, headerLines, '"', line);
        continue;
      }
      boolean inClassBody = depth == 0 || classBodies.contains(depth);
      if (memberDepth >= 0 || !inClassBody) {
        if (c == '{') depth++;
        if (c == '}') {
          depth--;
          if (depth == memberDepth) {
            out.add(new Member(memberName, memberLine, line - memberLine + 1));
            memberDepth = -1;
          }
        }
        continue;
      }
      if (c == '(') parens++;
      if (c == ')') parens--;
      if (parens > 0 || (c != '{' && c != '}' && c != ';')) {
        if (header.length() > 0 || !Character.isWhitespace(c)) append(header, headerLines, c, line);
        continue;
      }
      if (c == '{') {
        int start = afterAnnotations(header);
        String h = header.substring(start);
        String beforeParen = h.contains("(") ? h.substring(0, h.indexOf('(')) : h;
        if (TYPE.matcher(beforeParen).find()) {
          classBodies.add(depth + 1);
        } else if (!h.isBlank() && !h.contains("=") && depth > 0) {
          String[] words = beforeParen.trim().split("[\\s<>,]+");
          memberName = words[words.length - 1];
          memberLine = headerLines.get(start);
          memberDepth = depth;
        }
        depth++;
      } else if (c == '}') {
        classBodies.remove(depth);
        depth--;
      }
      header.setLength(0);
      headerLines.clear();
    }
    return out;
  }

  private static void append(StringBuilder header, List<Integer> lines, char c, int line) {
    header.append(c);
    lines.add(line);
  }

  private static int count(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) if (s.charAt(i) == '\n') n++;
    return n;
  }

  /** The index in a member's header after its leading annotations ({@code @Override}, {@code @Option(...)}). */
  private static int afterAnnotations(CharSequence h) {
    int i = 0;
    while (true) {
      while (i < h.length() && Character.isWhitespace(h.charAt(i))) i++;
      if (i >= h.length() || h.charAt(i) != '@' || h.toString().startsWith("@interface", i)) return Math.min(i, Math.max(0, h.length() - 1));
      i++;
      while (i < h.length() && (Character.isJavaIdentifierPart(h.charAt(i)) || h.charAt(i) == '.')) i++;
      int j = i;
      while (j < h.length() && Character.isWhitespace(h.charAt(j))) j++;
      if (j < h.length() && h.charAt(j) == '(') {
        int open = 0;
        for (i = j; i < h.length(); i++) {
          if (h.charAt(i) == '(') open++;
          if (h.charAt(i) == ')' && --open == 0) break;
        }
        i++;
      }
    }
  }

  private static List<Path> javaFiles() {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> read(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
