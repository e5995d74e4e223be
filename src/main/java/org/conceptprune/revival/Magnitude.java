package org.conceptprune.revival;

import java.util.Arrays;
import java.util.Locale;
import org.conceptprune.util.UserError;

/** How neuron max scaling sizes a revived weight (REVIVAL.md §3 item 6). */
public enum Magnitude {
  /** max(|sample|, h) with h just above the row's largest surviving |w|: the paper's mode. */
  MAX,
  /** mean |w| of the row's surviving weights, one value per row. */
  AVE,
  /** |sample|: a draw from N(μ, σ) of the row's surviving weights. */
  SAMPLE;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Magnitude parse(String s) {
    for (Magnitude m : values()) if (m.cliName().equalsIgnoreCase(s)) return m;
    throw new UserError("unknown magnitude mode '" + s + "' (" + String.join(", ",
        Arrays.stream(values()).map(Magnitude::cliName).toList()) + ")");
  }
}
