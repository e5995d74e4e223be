package org.conceptprune.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The listener's events, and the text {@link ProgressListener#printing} makes of them (the commands' stderr). */
class ProgressListenerTest {
  /** The bar's pattern: label [bar] done/total  rate/s, elapsed elapsed, ETA eta. */
  private static String line(String label, int filled, long done, long total, String eta) {
    return "\\Q" + label + " [" + "#".repeat(filled) + "-".repeat(30 - filled) + "] " + done + "/" + total
        + "\\E  \\d+\\.\\d\\d/s, \\d+\\.\\ds elapsed, ETA " + eta;
  }

  @Test
  void theBarIsRenderedByteForByteAsBefore() {
    assertEquals("stats [#########---------------------] 3/10  0.03/s, 1m30s elapsed, ETA 3m30s",
        Progress.render(new Progress.Update("stats", 3, 10, 90.0), false));
    assertEquals("\rstats [------------------------------] 0/10  0.00/s, 0.0s elapsed, ETA ?",
        Progress.render(new Progress.Update("stats", 0, 10, 0.0), true));
    assertEquals("x [##############################] 4/4  2.00/s, 2.0s elapsed, ETA 0.0s",
        Progress.render(new Progress.Update("x", 4, 4, 2.0), false));
  }

  @Test
  void anUpdateKnowsItsRateEtaAndEnd() {
    Progress.Update u = new Progress.Update("s", 2, 8, 4.0);
    assertEquals(0.5, u.rate());
    assertEquals(12.0, u.eta());
    assertFalse(u.finished());
    assertTrue(Double.isNaN(new Progress.Update("s", 0, 8, 1.0).eta()));
    assertEquals(0.0, new Progress.Update("s", 0, 8, 0.0).rate());
    assertTrue(new Progress.Update("s", 8, 8, 4.0).finished());
  }

  @Test
  void printingInALogWritesTheFirstStepThenEveryFiveSecondsAndTheEnd() {
    StringWriter sw = new StringWriter();
    ProgressListener p = ProgressListener.printing(new PrintWriter(sw));
    Progress bar = new Progress("stage one", 4, p);
    for (int i = 0; i < 4; i++) bar.step(); // microseconds apart: the middle two are not printed
    p.note("wrote x");
    String[] lines = sw.toString().split("\\R");
    assertEquals(3, lines.length, sw.toString());
    if (System.console() == null) { // the tests' stderr is not a terminal
      assertTrue(lines[0].matches(line("stage one", 7, 1, 4, "\\d+\\.\\ds")), lines[0]);
      assertTrue(lines[1].matches(line("stage one", 30, 4, 4, "0\\.0s")), lines[1]);
    }
    assertEquals("wrote x", lines[2]);
  }

  @Test
  void onATerminalTheBarIsRedrawnInPlaceAndEndsWithANewline() {
    StringWriter sw = new StringWriter();
    Progress bar = new Progress("t", 2, new ProgressPrinter(new PrintWriter(sw), true));
    bar.step();
    bar.step();
    String[] parts = sw.toString().split("\r", -1);
    assertEquals(3, parts.length, sw.toString());
    assertEquals("", parts[0]);
    assertTrue(parts[1].matches(line("t", 15, 1, 2, "\\d+\\.\\ds")), parts[1]);
    assertTrue(parts[2].matches(line("t", 30, 2, 2, "0\\.0s") + "\\R"), parts[2]);
  }

  @Test
  void eachStageIsRateLimitedOnItsOwnAndARepeatedStageStartsAfresh() {
    StringWriter sw = new StringWriter();
    ProgressListener p = new ProgressPrinter(new PrintWriter(sw), false);
    Progress a = new Progress("a", 2, p);
    Progress b = new Progress("b", 3, p);
    a.step();
    b.step();
    a.step();
    b.step(); // within 5 s of b's first line: not printed
    b.step();
    Progress again = new Progress("a", 2, p);
    again.step();
    List<String> labels = new ArrayList<>();
    for (String l : sw.toString().split("\\R")) labels.add(l.substring(0, l.indexOf(" [")) + " " + l.split(" ")[2]);
    assertEquals(List.of("a 1/2", "b 1/3", "a 2/2", "b 3/3", "a 1/2"), labels);
  }

  @Test
  void aListenerHearsEveryStepAndSilentHearsNothing() {
    List<Progress.Update> got = new ArrayList<>();
    Progress bar = new Progress("s", 3, new ProgressListener() {
      @Override
      public void progress(Progress.Update u) {
        got.add(u);
      }
    });
    bar.step();
    bar.advance(5); // clamped to the total
    assertEquals(List.of(1L, 3L), got.stream().map(Progress.Update::done).toList());
    assertTrue(got.get(1).finished());
    new Progress("quiet", 2, ProgressListener.SILENT).advance(2);
    ProgressListener.SILENT.note("nothing");
  }
}
