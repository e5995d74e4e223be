package org.conceptprune.prune;

import java.util.Locale;
import org.conceptprune.util.UserError;

/**
 * How token rows are summed into per-column statistics (ALGORITHM.md §3):
 * TOKENNORM: sumsq[j] = Σ_r (a_r[j] / max(||a_r||_2, 1e-12))^2 (the authors' code, default);
 * RAW: sumsq[j] = Σ_r a_r[j]^2 (the paper's Eq. 3).
 */
public enum Aggregation {
  TOKENNORM("tokennorm"),
  RAW("raw");

  public final String cliName;

  Aggregation(String cliName) {
    this.cliName = cliName;
  }

  public static Aggregation fromCli(String s) {
    String n = s.trim().toLowerCase(Locale.ROOT);
    for (Aggregation a : values()) if (a.cliName.equals(n)) return a;
    throw new UserError("unknown aggregation '" + s + "' (tokennorm, raw)");
  }
}
