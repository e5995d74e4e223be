package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.conceptprune.revival.Magnitude;
import org.conceptprune.revival.RevivalSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** revive and attack read the revival's settings under the same names; revive's old --seed / --iterations still work, unshown. */
class RevivalOptionsTest {
  @Test
  void reviveAndAttackShareTheNamesAndReviveKeepsItsOldOnes() {
    String[] shared = {"--top-ratio", "0.5", "--magnitude", "ave", "--revival-seed", "7", "--completion-iterations", "20", "--tolerance", "1e-3"};
    RevivalSettings want = new RevivalSettings(0.5, Magnitude.AVE, 7, 20, 1e-3);
    assertEquals(want, revive(shared).revival.settings());
    assertEquals(want, attack(shared).methodOptions.revival.settings());
    assertEquals(want, revive("--top-ratio", "0.5", "--magnitude", "ave", "--seed", "7", "--iterations", "20", "--tolerance", "1e-3").revival.settings());
    assertEquals(RevivalSettings.PAPER, revive().revival.settings());
    assertEquals(RevivalSettings.PAPER, attack().methodOptions.revival.settings());
    // attack's own --seed and --iterations stay the sampling seed and unlearndiff's iterations
    AttackCommand a = attack("--seed", "3", "--iterations", "2");
    assertEquals(3, a.seed);
    assertEquals(2, a.methodOptions.iterations);
    assertEquals(RevivalSettings.PAPER, a.methodOptions.revival.settings());
  }

  @Test
  void helpShowsOneNameEach() {
    String help = new CommandLine(new ReviveCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    assertTrue(help.contains("--revival-seed=N") && help.contains("--completion-iterations=N"), help);
    assertFalse(help.contains("--seed") || help.contains("--iterations="), help);
    assertTrue(help.contains("(default 2021)") && help.contains("(default 500)") && help.contains("(default 1e-5)"), help);
  }

  private static ReviveCommand revive(String... extra) {
    ReviveCommand c = new ReviveCommand();
    new CommandLine(c).parseArgs(concat(new String[] {"model", "-o", "out"}, extra));
    return c;
  }

  private static AttackCommand attack(String... extra) {
    AttackCommand c = new AttackCommand();
    new CommandLine(c).parseArgs(concat(new String[] {"toy", "--method", "revival", "--prompts", "p.csv", "--judge", "toy", "--concept", "zorbly",
        "-o", "out"}, extra));
    return c;
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
