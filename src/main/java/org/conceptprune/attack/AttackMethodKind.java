package org.conceptprune.attack;

import java.util.Arrays;
import java.util.List;
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
    List<String> names = Arrays.stream(values()).map(AttackMethodKind::cliName).toList();
    throw new UserError("unknown attack method '" + name + "' (" + String.join(", ", names.subList(0, names.size() - 1))
        + " or " + names.get(names.size() - 1) + ")");
  }

  @Override
  public String toString() {
    return cliName();
  }
}
