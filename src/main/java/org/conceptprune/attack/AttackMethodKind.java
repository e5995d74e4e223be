package org.conceptprune.attack;

import java.util.Arrays;
import java.util.Locale;
import org.conceptprune.util.UserError;

/** The attacks {@code attack --method} runs, by their command-line names (also the names their outcome files record). */
public enum AttackMethodKind {
  UNLEARNDIFF, INVERSION, RING_A_BELL, RANDOM, REVIVAL;

  /** {@code unlearndiff}, {@code inversion}, {@code ring-a-bell}, {@code random} or {@code revival}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The method named on the command line, or a {@link UserError} listing the names. */
  public static AttackMethodKind parse(String name) {
    for (AttackMethodKind k : values()) if (k.cliName().equals(name)) return k;
    throw UserError.unknown("attack method", name, Arrays.stream(values()).map(AttackMethodKind::cliName).toList());
  }

  @Override
  public String toString() {
    return cliName();
  }
}
