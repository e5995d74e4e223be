package org.conceptprune.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/SCALE-OUT.md's job array under a real Slurm ({@link LocalSlurm}: munged, slurmctld and slurmd
 * on localhost): {@code sbatch --array=0-1 --wait scripts/evaluate-array.sh ROOT -- ...} from the
 * checkout, as a user types it, on the toy experiment, then {@code ./conceptprune evaluate ... --merge
 * ROOT/shard-*}; the merged results.csv and every PNG equal one machine's run of the same evaluate.
 * Skipped, saying why, where Slurm is not installed or cannot start (CI installs slurm-wlm and munge).
 * The jobs run the launcher with this test's class path ({@code CONCEPTPRUNE_CLASSPATH}) in place of the
 * jar, which {@code mvn test} has not built yet.
 */
@Tag("slurm")
class SlurmJobArrayTest {
  /** One target, one image per prompt variant, the first four rows: two rows per shard. */
  static final List<String> EVALUATE = List.of("--experiment", "toy", "--target", "zorbly", "--images-per-concept", "1",
      "--rows", "0:4");

  @Test
  void anArrayOfTwoShardsMergedEqualsOneMachine(@TempDir Path tmp) throws Exception {
    long t0 = System.nanoTime();
    Path checkout = Path.of("").toAbsolutePath();
    Path root = tmp.resolve("runs");
    Map<String, String> env = LocalSlurm.launcherEnv();
    try (LocalSlurm slurm = LocalSlurm.start(tmp.resolve("slurm"))) {
      long started = System.nanoTime();
      List<String> sbatch = new ArrayList<>(List.of("sbatch", "--array=0-1", "--cpus-per-task=1", "--wait",
          "--output=" + tmp.resolve("slurm-%A_%a.out"), "scripts/evaluate-array.sh", root.toString(), "--"));
      sbatch.addAll(EVALUATE);
      // the job inherits sbatch's environment, less a thread count: the script takes --cpus-per-task
      env.put("CONCEPTPRUNE_THREADS", null);
      LocalSlurm.Run r = slurm.client(sbatch, checkout, env, 400);
      String logs = r.out() + jobLogs(tmp);
      assertEquals(0, r.code(), "sbatch --wait: " + logs);
      for (int i = 0; i < 2; i++) assertTrue(logs.contains("conceptprune: shard " + i + "/2 into " + root + "/shard-" + i), logs);
      System.out.printf("Slurm: daemons up in %.1f s, the array of 2 shards ran in %.1f s%n", (started - t0) / 1e9,
          (System.nanoTime() - started) / 1e9);
    }
    // the merge as SCALE-OUT.md writes it (the shell expands shard-*)
    Path all = root.resolve("all");
    String merge = "./conceptprune evaluate " + String.join(" ", EVALUATE) + " --merge " + root + "/shard-* --out " + all;
    LocalSlurm.Run m = LocalSlurm.run(List.of("bash", "-c", merge), checkout, env, 120);
    assertEquals(0, m.code(), merge + ": " + m.out());
    assertTrue(m.out().contains("0 images generated, 0 scored"), m.out());

    Path single = tmp.resolve("single");
    List<String> one = new ArrayList<>(List.of("evaluate"));
    one.addAll(EVALUATE);
    one.addAll(List.of("--out", single.toString()));
    EvaluateToyTest.run(one.toArray(String[]::new)).ok();
    EvaluateToyTest.assertSameImagesAndResults(single, all);
    assertEquals(4 * 3, EvaluateToyTest.files(all.resolve("images")).size(), "4 rows x 3 models (base, zorbly-cp, zorbly-random)");
    System.out.printf("SlurmJobArrayTest: %.1f s in all%n", (System.nanoTime() - t0) / 1e9);
  }

  static String jobLogs(Path dir) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    try (var s = Files.list(dir)) {
      for (Path p : s.filter(f -> f.getFileName().toString().startsWith("slurm-")).sorted().toList()) {
        b.append("\n--- ").append(p.getFileName()).append(":\n").append(Files.readString(p));
      }
    }
    return b.toString();
  }
}
