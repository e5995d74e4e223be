package org.conceptprune.util;

import java.io.PrintWriter;

/**
 * Hears what a job does: every step of each stage ({@link Progress.Update}) and the lines a person
 * reads (results, warnings, "wrote X"). The commands print both ({@link #printing}); a service can
 * take them as events instead.
 */
public interface ProgressListener {
  /** Hears nothing. */
  ProgressListener SILENT = new ProgressListener() {};

  /** Every step of a stage, in order; the last one of a stage is {@link Progress.Update#finished}. */
  default void progress(Progress.Update u) {}

  /** A line for a person: a result, a warning, what was written. */
  default void note(String line) {}

  /**
   * The commands' text: each stage as a bar with rate and ETA (redrawn at most every 0.2 s on a
   * terminal, a line every 5 s in a log; the finished bar always), each note as a line.
   */
  static ProgressListener printing(PrintWriter out) {
    return new ProgressPrinter(out, System.console() != null);
  }
}
