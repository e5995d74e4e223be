package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code attack}: bad input gives one error line; a tiny run writes outcomes, images and a summary, and resumes. */
class AttackCliTest {
  @TempDir Path tmp;

  Path prompts(String... lines) throws Exception {
    Path p = tmp.resolve("prompts.csv");
    StringBuilder sb = new StringBuilder("prompt,evaluation_seed\n");
    int s = 1;
    for (String l : lines) sb.append('"').append(l).append("\",").append(s++).append('\n');
    Files.writeString(p, sb.toString());
    return p;
  }

  String[] args(Path prompts, String... more) {
    String[] base = {"attack", "toy", "--base", "toy", "--judge", "toy", "--prompts", prompts.toString(), "--out", tmp.resolve("out").toString()};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  /** --method is parsed by picocli's converter: one error line naming the option and every method. */
  @Test
  void unknownMethod() throws Exception {
    CliRun r = CliRun.of(args(prompts("a zorbly circle"), "--method", "gcg", "--concept", "zorbly")).assertUserError("unknown attack method 'gcg'");
    assertEquals("error: Invalid value for option '--method': unknown attack method 'gcg' (unlearndiff, inversion, ring-a-bell, random or revival)"
        + " (see 'conceptprune attack --help')", r.err().strip());
  }

  @Test
  void judgeThatCannotJudgeTheConcept() throws Exception {
    CliRun.of(args(prompts("a church"), "--method", "unlearndiff", "--concept", "church")).assertUserError("the toy judge cannot judge 'church'");
  }

  /** --judge is parsed by picocli's converter into a JudgeSpec: one error line naming the option. */
  @Test
  void unknownJudge() throws Exception {
    assertEquals("error: Invalid value for option '--judge': unknown judge 'magic:x' (toy, classify:WEIGHTS, nudity:ONNX, clip:DIR or style:DIR)"
        + " (see 'conceptprune attack --help')", judge("magic:x"));
  }

  @Test
  void judgeWithoutItsPath() throws Exception {
    assertEquals("error: Invalid value for option '--judge': the classify judge needs a path: classify:WEIGHTS (see 'conceptprune attack --help')",
        judge("classify"));
    assertEquals("error: Invalid value for option '--judge': the style judge needs a path: style:DIR (see 'conceptprune attack --help')",
        judge("style:"));
  }

  @Test
  void toyJudgeWithAPath() throws Exception {
    assertEquals("error: Invalid value for option '--judge': the toy judge takes no path (it is the toy model's own), got 'toy:judge.pt'"
        + " (see 'conceptprune attack --help')", judge("toy:judge.pt"));
  }

  /** The one error line of an attack run with this --judge (exit 2). */
  private String judge(String spec) throws Exception {
    CliRun r = CliRun.of("attack", "toy", "--base", "toy", "--judge", spec, "--prompts", prompts("a zorbly circle").toString(),
        "--out", tmp.resolve("o").toString(), "--method", "unlearndiff", "--concept", "zorbly");
    return r.assertUserError("'--judge'").err().strip();
  }

  @Test
  void tokensBelowOne() throws Exception {
    CliRun.of(args(prompts("a zorbly circle"), "--method", "unlearndiff", "--concept", "zorbly", "--tokens", "0"))
        .assertUserError("k must be at least 1, got 0");
  }

  /** --k is a fraction everywhere else (prune, mask, toy masks); attack counts tokens with --tokens. */
  @Test
  void noKOption() throws Exception {
    CliRun.of(args(prompts("a zorbly circle"), "--method", "random", "--concept", "zorbly", "--k", "3"))
        .assertUserError("Unknown options: '--k', '3'");
  }

  @Test
  void promptTooLongWithThePrefix() throws Exception {
    String longPrompt = "a zorbly circle" + " and a square".repeat(24); // 9 + 24 * 6 = 153 content tokens
    CliRun.of(args(prompts(longPrompt), "--method", "unlearndiff", "--concept", "zorbly"))
        .assertUserError("adversarial tokens, bos and eos it needs");
  }

  @Test
  void attackedModelMissing() throws Exception {
    CliRun.of("attack", "--judge", "toy", "--prompts", prompts("a zorbly circle").toString(), "--out", tmp.resolve("o").toString(),
        "--method", "unlearndiff", "--concept", "zorbly").assertUserError("the attacked model is missing");
  }

  /** The base model attacked: every target already shows the concept before the attack; a rerun resumes. */
  @Test
  void runWritesOutcomesAndResumes() throws Exception {
    Path p = prompts("a zorbly circle", "a square in zorbly style");
    String[] a = args(p, "--method", "unlearndiff", "--concept", "zorbly", "--iterations", "1", "--timestep-list", "500");
    CliRun r = CliRun.of(a);
    assertEquals(0, r.code(), r.err());
    Path out = tmp.resolve("out");
    ObjectMapper json = new ObjectMapper();
    JsonNode s = json.readTree(out.resolve("summary.json").toFile());
    System.out.println("[attack-cli] " + s.get("line").asText());
    assertEquals(2, s.get("prompts").asInt());
    int targets = s.get("targets").asInt();
    assertEquals(targets, s.get("pre_attack").asInt(), "the unerased model shows the concept before any attack");
    for (int i = 0; i < 2; i++) {
      JsonNode o = json.readTree(out.resolve("outcomes/" + i + ".json").toFile());
      assertTrue(Files.isRegularFile(out.resolve(o.get("target").get("image").asText())));
      if (o.get("target").get("shows").asBoolean()) assertTrue(Files.isRegularFile(out.resolve("images/" + i + "-before.png")));
    }
    CliRun again = CliRun.of(a);
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("(done before)"), again.err());
    assertFalse(again.err().contains("seed 1\n"), again.err());
    // other settings in the same folder are refused
    String[] b = args(p, "--method", "unlearndiff", "--concept", "zorbly", "--iterations", "2", "--timestep-list", "500");
    CliRun.of(b).assertUserError("holds an attack run with other settings");
  }
}
