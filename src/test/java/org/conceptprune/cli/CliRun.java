package org.conceptprune.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@link Main} in-process with captured streams. */
record CliRun(int code, String out, String err) {
  static CliRun of(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(new PrintWriter(o, true), new PrintWriter(e, true), args);
    return new CliRun(code, o.toString(), e.toString());
  }

  /** Asserts the user-error contract: exit 2, one "error: ..." line, no stack trace. */
  CliRun assertUserError(String mentions) {
    String msg = "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
    org.junit.jupiter.api.Assertions.assertEquals(2, code, msg);
    String[] lines = err.strip().split("\\R");
    org.junit.jupiter.api.Assertions.assertEquals(1, lines.length, "one line expected: " + msg);
    org.junit.jupiter.api.Assertions.assertTrue(lines[0].startsWith("error: "), msg);
    org.junit.jupiter.api.Assertions.assertTrue(lines[0].contains(mentions), "should mention '" + mentions + "': " + msg);
    return this;
  }
}
