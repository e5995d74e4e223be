package org.conceptprune.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/evaluate-array.sh without a scheduler, with the variables Slurm sets (SlurmJobArrayTest runs
 * it under a real one): where it takes the shard from, how it finds the checkout from a spooled copy,
 * and its one-line errors.
 */
class EvaluateArrayScriptTest {
  static final Path CHECKOUT = Path.of("").toAbsolutePath();

  static LocalSlurm.Run script(Path script, Path cwd, Map<String, String> slurm, String... args) {
    Map<String, String> env = LocalSlurm.launcherEnv();
    env.putAll(slurm);
    for (String k : List.of("CONCEPTPRUNE_HOME", "SLURM_ARRAY_TASK_ID", "SLURM_SUBMIT_DIR", "SLURM_CPUS_PER_TASK")) env.putIfAbsent(k, null);
    List<String> cmd = new java.util.ArrayList<>(List.of("bash", script.toString()));
    cmd.addAll(List.of(args));
    return LocalSlurm.run(cmd, cwd, env, 60);
  }

  static Map<String, String> array(int id, int count, int min, int max) {
    return Map.of("SLURM_ARRAY_TASK_ID", "" + id, "SLURM_ARRAY_TASK_COUNT", "" + count, "SLURM_ARRAY_TASK_MIN", "" + min,
        "SLURM_ARRAY_TASK_MAX", "" + max);
  }

  @Test
  void aSpooledCopyInAnArrayFindsTheCheckoutAndItsShard(@TempDir Path tmp) throws Exception {
    // Slurm runs a copy of the script from its spool folder, in the folder sbatch was called from
    Path spooled = tmp.resolve("spool/job00001/slurm_script");
    Files.createDirectories(spooled.getParent());
    Files.copy(CHECKOUT.resolve("scripts/evaluate-array.sh"), spooled);
    Map<String, String> env = new HashMap<>(array(1, 3, 0, 2));
    env.put("SLURM_SUBMIT_DIR", CHECKOUT.toString());
    env.put("SLURM_CPUS_PER_TASK", "1");
    LocalSlurm.Run r = script(spooled, CHECKOUT, env, tmp.resolve("runs").toString(), "--", "--help");
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().contains("conceptprune: shard 1/3 into " + tmp.resolve("runs") + "/shard-1"), r.out());
    assertTrue(r.out().contains("Usage: conceptprune evaluate"), "the launcher ran evaluate: " + r.out());

    env.remove("SLURM_SUBMIT_DIR");
    LocalSlurm.Run lost = script(spooled, tmp, env, "runs", "--", "--help");
    assertEquals(2, lost.code(), lost.out());
    assertTrue(lost.out().strip().equals("error: cannot find the conceptprune checkout: call sbatch from it, or set CONCEPTPRUNE_HOME"), lost.out());
    env.put("CONCEPTPRUNE_HOME", CHECKOUT.toString());
    assertEquals(0, script(spooled, tmp, env, "runs", "--", "--help").code());
    // I N given (a rerun of one shard, PBS, ssh) win over the array's variables
    LocalSlurm.Run explicit = script(spooled, tmp, env, "2", "4", "runs", "--", "--help");
    assertEquals(0, explicit.code(), explicit.out());
    assertTrue(explicit.out().contains("conceptprune: shard 2/4 into runs/shard-2"), explicit.out());
  }

  @Test
  void mistakesAreOneLine(@TempDir Path tmp) {
    Path s = CHECKOUT.resolve("scripts/evaluate-array.sh");
    LocalSlurm.Run stepped = script(s, tmp, array(0, 2, 0, 2), "runs", "--", "--experiment", "toy");
    assertEquals(2, stepped.code(), stepped.out());
    assertEquals("error: the job array must be --array=0-(N-1) (this one has 2 task(s), 0 to 2); to rerun one shard:"
        + " sbatch scripts/evaluate-array.sh I N OUT_ROOT -- ...", stepped.out().strip());
    LocalSlurm.Run none = script(s, tmp, Map.of(), "runs", "--", "--experiment", "toy");
    assertEquals(2, none.code(), none.out());
    assertTrue(none.out().strip().startsWith("error: usage: scripts/evaluate-array.sh I N OUT_ROOT -- EVALUATE_ARGS..."), none.out());
  }
}
