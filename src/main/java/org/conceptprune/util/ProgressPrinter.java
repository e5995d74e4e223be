package org.conceptprune.util;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

/** {@link ProgressListener#printing}: bars and notes as text, bars rate-limited per stage. */
final class ProgressPrinter implements ProgressListener {
  private final PrintWriter out;
  private final boolean tty;
  /** Stage label -> when its bar was last printed (System.nanoTime), until the stage finishes. */
  private final Map<String, Long> lastPrint = new HashMap<>();

  ProgressPrinter(PrintWriter out, boolean tty) {
    this.out = out;
    this.tty = tty;
  }

  @Override
  public synchronized void progress(Progress.Update u) {
    long now = System.nanoTime();
    boolean last = u.finished();
    long gap = tty ? 200_000_000L : 5_000_000_000L; // 0.2 s on a terminal, 5 s in logs
    Long before = last ? lastPrint.remove(u.stage()) : lastPrint.get(u.stage());
    if (!last && before != null && now - before < gap) return;
    if (!last) lastPrint.put(u.stage(), now);
    out.print(Progress.render(u, tty));
    if (last || !tty) out.println();
    out.flush();
  }

  @Override
  public synchronized void note(String line) {
    out.println(line);
  }
}
