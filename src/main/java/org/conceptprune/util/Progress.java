package org.conceptprune.util;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The progress of one stage of a job (a count of steps out of a total): every step goes to a
 * {@link ProgressListener} as an {@link Update}; {@link ProgressListener#printing} shows it as a
 * one-line bar with rate and ETA.
 */
public class Progress {
  /**
   * Where a stage stands.
   *
   * @param stage the stage's label; @param seconds elapsed since the stage began
   */
  public record Update(String stage, long done, long total, double seconds) {
    /** Seconds left at the rate so far; NaN before the first step. */
    public double eta() {
      return done == 0 ? Double.NaN : seconds / done * (total - done);
    }

    public boolean finished() {
      return done == total;
    }

    /** Steps per second so far. */
    public double rate() {
      return seconds > 0 ? done / seconds : 0.0;
    }
  }

  private final String label;
  private final long total;
  private final long start = System.nanoTime();
  private final ProgressListener listener;
  private long done;

  /** A bar on stderr. */
  public Progress(String label, long total) {
    this(label, total, ProgressListener.printing(new PrintWriter(System.err, true)));
  }

  public Progress(String label, long total, ProgressListener listener) {
    this.label = label;
    this.total = Math.max(1, total);
    this.listener = listener;
  }

  public synchronized void step() {
    advance(1);
  }

  public synchronized void advance(long n) {
    done = Math.min(total, done + n);
    listener.progress(new Update(label, done, total, (System.nanoTime() - start) / 1e9));
  }

  /** The bar's line ({@code tty}: starting with a carriage return, to redraw the line in place). */
  static String render(Update u, boolean tty) {
    double eta = u.eta();
    int width = 30;
    int filled = (int) (width * u.done() / u.total());
    String bar = "#".repeat(filled) + "-".repeat(width - filled);
    return String.format(Locale.ROOT, "%s%s [%s] %d/%d  %.2f/s, %s elapsed, ETA %s", tty ? "\r" : "", u.stage(), bar, u.done(),
        u.total(), u.rate(), fmt(u.seconds()), Double.isNaN(eta) ? "?" : fmt(eta));
  }

  static String fmt(double s) {
    if (s < 60) return String.format(Locale.ROOT, "%.1fs", s);
    long t = Math.round(s);
    return String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
  }

}
