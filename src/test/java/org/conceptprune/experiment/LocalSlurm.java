package org.conceptprune.experiment;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A one-node Slurm cluster on localhost for a test: {@code munged}, {@code slurmctld} and
 * {@code slurmd} in the foreground as children of this JVM, with their key, sockets, state, spool,
 * logs and {@code slurm.conf} in one folder and free TCP ports, so nothing of the system's Slurm or
 * munge is used or touched. Where it cannot start (binaries missing, a daemon dies, the node never
 * becomes idle) the test is aborted (JUnit: skipped) with the reason, which is also printed.
 * {@link #close} cancels what is left of the jobs and stops the daemons.
 */
final class LocalSlurm implements AutoCloseable {
  static final List<String> DAEMONS = List.of("munged", "slurmctld", "slurmd");
  static final List<String> CLIENTS = List.of("sbatch", "sinfo", "scancel");
  private static final List<String> SBIN = List.of("/usr/sbin", "/sbin", "/usr/local/sbin");

  final Path dir;
  final Path conf;
  private final List<Process> daemons = new ArrayList<>();
  private final List<String> names = new ArrayList<>();

  private LocalSlurm(Path dir) {
    this.dir = dir;
    this.conf = dir.resolve("slurm.conf");
  }

  /** Starts the cluster in {@code dir} (created), or aborts the test saying why it cannot. */
  static LocalSlurm start(Path dir) throws IOException, InterruptedException {
    List<String> missing = new ArrayList<>();
    for (String b : concat(DAEMONS, CLIENTS)) if (which(b) == null) missing.add(b);
    skipUnless(missing.isEmpty(), "Slurm is not installed (no " + String.join(", ", missing)
        + " on PATH or in /usr/sbin; Debian: apt-get install slurm-wlm munge)");
    LocalSlurm s = new LocalSlurm(dir);
    try {
      s.startDaemons();
      return s;
    } catch (RuntimeException | Error | IOException | InterruptedException e) {
      s.close();
      throw e;
    }
  }

  private void startDaemons() throws IOException, InterruptedException {
    Path munge = dir.resolve("munge");
    Files.createDirectories(munge);
    Files.createDirectories(dir.resolve("state"));
    Files.createDirectories(dir.resolve("spool"));
    // munged refuses a socket folder that not everyone may enter (JUnit's temporary folders are 700)
    for (Path p = munge; p != null && p.startsWith(dir.getParent()); p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path key = munge.resolve("munge.key");
    byte[] k = new byte[1024];
    new SecureRandom().nextBytes(k);
    Files.write(key, k);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Path socket = munge.resolve("munge.socket");
    spawn("munged", List.of("-F", "--key-file=" + key, "--socket=" + socket, "--pid-file=" + munge.resolve("munged.pid"),
        "--log-file=" + munge.resolve("munged.log"), "--seed-file=" + munge.resolve("munged.seed")));
    waitFor(() -> Files.exists(socket), 10, "munged did not create its socket", munge.resolve("munged.log"));

    String user = System.getProperty("user.name");
    int[] ports = freePorts();
    Files.writeString(conf, String.join("\n",
        "ClusterName=conceptprune-test",
        "SlurmctldHost=localhost",
        "SlurmUser=" + user,
        "SlurmdUser=" + user,
        "SlurmctldPort=" + ports[0],
        "SlurmdPort=" + ports[1],
        "AuthType=auth/munge",
        "AuthInfo=socket=" + socket,
        "StateSaveLocation=" + dir.resolve("state"),
        "SlurmdSpoolDir=" + dir.resolve("spool"),
        "SlurmctldPidFile=" + dir.resolve("slurmctld.pid"),
        "SlurmdPidFile=" + dir.resolve("slurmd.pid"),
        "SlurmctldLogFile=" + dir.resolve("slurmctld.log"),
        "SlurmdLogFile=" + dir.resolve("slurmd.log"),
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        "SelectType=select/cons_tres",
        "SelectTypeParameters=CR_CPU",
        "SchedulerType=sched/builtin",
        "AccountingStorageType=accounting_storage/none",
        "JobAcctGatherType=jobacct_gather/none",
        "JobCompType=jobcomp/none",
        "MpiDefault=none",
        "ReturnToService=2",
        "NodeName=localhost CPUs=" + Runtime.getRuntime().availableProcessors() + " State=UNKNOWN",
        "PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP", ""));
    // -D: foreground, so these processes are the daemons; -c: no state of an earlier cluster
    spawn("slurmctld", List.of("-D", "-c", "-i", "-f", conf.toString()));
    spawn("slurmd", List.of("-D", "-f", conf.toString(), "-N", "localhost"));
    waitFor(() -> {
      Run r = client(List.of("sinfo", "-h", "-n", "localhost", "-o", "%t"), dir, Map.of(), 10);
      return r.code == 0 && r.out.strip().equals("idle");
    }, 30, "the node did not become idle", dir.resolve("slurmctld.log"), dir.resolve("slurmd.log"));
  }

  /** The environment a client command needs: this cluster's configuration. */
  Map<String, String> env() {
    return Map.of("SLURM_CONF", conf.toString());
  }

  /**
   * The environment in which the launcher (./conceptprune) runs this test's classes ({@code mvn test}
   * has built no jar yet) with the java that runs this test.
   */
  static Map<String, String> launcherEnv() {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("CONCEPTPRUNE_CLASSPATH", System.getProperty("java.class.path"));
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator + System.getenv("PATH"));
    return env;
  }

  record Run(int code, String out) {}

  /**
   * Runs a command (a Slurm client found as {@link #which} finds it) with extra environment (a null
   * value removes the variable), output and errors together.
   */
  static Run run(List<String> cmd, Path cwd, Map<String, String> env, long timeoutS) {
    List<String> c = new ArrayList<>(cmd);
    String exe = which(c.get(0));
    if (exe != null) c.set(0, exe);
    try {
      File log = File.createTempFile("slurm-cmd", ".log");
      try {
        ProcessBuilder pb = new ProcessBuilder(c).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(log);
        env.forEach((k, v) -> {
          if (v == null) pb.environment().remove(k);
          else pb.environment().put(k, v);
        });
        Process p = pb.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
          return new Run(124, Files.readString(log.toPath()) + "\n(timed out after " + timeoutS + " s)");
        }
        return new Run(p.exitValue(), Files.readString(log.toPath()));
      } finally {
        Files.deleteIfExists(log.toPath());
      }
    } catch (IOException e) {
      return new Run(127, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Run(130, e.toString());
    }
  }

  Run client(List<String> cmd, Path cwd, Map<String, String> extraEnv, long timeoutS) {
    Map<String, String> env = new java.util.HashMap<>(extraEnv);
    env.putAll(env());
    return run(cmd, cwd, env, timeoutS);
  }

  private void spawn(String daemon, List<String> args) throws IOException {
    List<String> c = new ArrayList<>(List.of(which(daemon)));
    c.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(dir.resolve(daemon + ".out").toFile());
    pb.environment().put("SLURM_CONF", conf.toString());
    daemons.add(pb.start());
    names.add(daemon);
  }

  interface Check {
    boolean ok() throws IOException;
  }

  private void waitFor(Check c, int seconds, String what, Path... logs) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (c.ok()) return;
      for (int i = 0; i < daemons.size(); i++) {
        Process p = daemons.get(i);
        if (!p.isAlive()) skipUnless(false, "Slurm could not start: " + names.get(i) + " exited with " + p.exitValue() + tails(logs));
      }
      Thread.sleep(200);
    }
    skipUnless(false, "Slurm could not start: " + what + " within " + seconds + " s" + tails(logs));
  }

  private String tails(Path... logs) throws IOException {
    StringBuilder b = new StringBuilder();
    List<Path> all = new ArrayList<>(List.of(logs));
    for (String d : DAEMONS) all.add(dir.resolve(d + ".out"));
    for (Path l : all) {
      if (!Files.exists(l)) continue;
      List<String> lines = Files.readAllLines(l);
      b.append("\n--- ").append(l.getFileName()).append(":\n")
          .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size())));
    }
    return b.toString();
  }

  static void skipUnless(boolean ok, String why) {
    if (!ok) System.out.println("SKIPPED (Slurm job array test): " + why);
    Assumptions.assumeTrue(ok, why);
  }

  /** {@code name} on PATH or in an sbin folder (not always on a user's PATH), or null. */
  static String which(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(SBIN);
    for (String d : dirs) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) return p.toString();
    }
    return null;
  }

  private static int[] freePorts() throws IOException {
    try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
      return new int[] {a.getLocalPort(), b.getLocalPort()};
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> c = new ArrayList<>(a);
    c.addAll(b);
    return c;
  }

  /** Cancels this cluster's jobs and stops the daemons, slurmd first, munged last. */
  @Override
  public void close() {
    if (daemons.size() == DAEMONS.size() && daemons.stream().allMatch(Process::isAlive)) {
      client(List.of("scancel", "-u", System.getProperty("user.name")), dir, Map.of(), 10);
    }
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process p = daemons.get(i);
      p.destroy();
      try {
        if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    daemons.clear();
    names.clear();
  }
}
