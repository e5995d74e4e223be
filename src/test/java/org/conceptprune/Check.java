package org.conceptprune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;

/** Tolerance checks that report the worst offender, and a log line of what was reached. */
public final class Check {
  private Check() {}

  /** Asserts max |expected - actual| <= atol; prints the achieved error. @return the max abs error */
  public static double close(String what, float[] expected, float[] actual, double atol) {
    assertEquals(expected.length, actual.length, what + ": length");
    double worst = 0;
    int at = -1;
    double scale = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs((double) expected[i] - actual[i]);
      if (Double.isNaN(actual[i])) d = Double.POSITIVE_INFINITY;
      if (d > worst) {
        worst = d;
        at = i;
      }
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    String msg = String.format(Locale.ROOT, "%s: max abs err %.3e (max |ref| %.3e)%s", what, worst, scale,
        at >= 0 ? String.format(Locale.ROOT, " at [%d] expected %.7g got %.7g", at, expected[at], actual[at]) : "");
    System.out.println("[golden] " + msg);
    if (!(worst <= atol)) fail(msg + " > tol " + atol);
    return worst;
  }
}
