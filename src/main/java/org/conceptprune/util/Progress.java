package org.conceptprune.util;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar with rate and ETA on stderr (plain lines when stderr is not a terminal). */
public class Progress {
  private final String label;
  private final long total;
  private final long start = System.nanoTime();
  private final PrintWriter out;
  private final boolean tty;
  private long done;
  private long lastPrint;

  public Progress(String label, long total) {
    this(label, total, new PrintWriter(System.err, true));
  }

  public Progress(String label, long total, PrintWriter out) {
    this.label = label;
    this.total = Math.max(1, total);
    this.out = out;
    this.tty = System.console() != null;
  }

  public synchronized void step() {
    advance(1);
  }

  public synchronized void advance(long n) {
    done = Math.min(total, done + n);
    long now = System.nanoTime();
    boolean last = done == total;
    long gap = tty ? 200_000_000L : 5_000_000_000L; // 0.2 s on a terminal, 5 s in logs
    if (!last && now - lastPrint < gap) return;
    lastPrint = now;
    out.print(render(now));
    if (last || !tty) out.println();
    out.flush();
  }

  String render(long now) {
    double secs = (now - start) / 1e9;
    double eta = done == 0 ? Double.NaN : secs / done * (total - done);
    int width = 30;
    int filled = (int) (width * done / total);
    String bar = "#".repeat(filled) + "-".repeat(width - filled);
    return String.format(Locale.ROOT, "%s%s [%s] %d/%d  %.2f/s, %s elapsed, ETA %s", tty ? "\r" : "", label, bar, done, total,
        secs > 0 ? done / secs : 0.0, fmt(secs), Double.isNaN(eta) ? "?" : fmt(eta));
  }

  static String fmt(double s) {
    if (s < 60) return String.format(Locale.ROOT, "%.1fs", s);
    long t = Math.round(s);
    return String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
  }

}
