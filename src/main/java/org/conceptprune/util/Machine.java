package org.conceptprune.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a benchmark reports of the machine it ran on: load, memory, CPU (Linux /proc; neutral values elsewhere). */
public final class Machine {
  private Machine() {}

  /** The process's CPU time in nanoseconds (0 where the JVM does not tell). */
  public static long processCpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0;
  }

  /** The 1, 5 and 15 minute load averages (/proc/loadavg), or "" off Linux. */
  public static String loadAvg() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** A field of /proc/self/status in MB (VmRSS now, VmHWM peak), or -1 off Linux. */
  public static double rssMb(String field) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith(field + ":")) return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 * 1.048576;
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** The CPU's model name and core count, e.g. "AMD EPYC 7B13 x2", or "unknown". */
  public static String cpuName() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim() + " x" + Runtime.getRuntime().availableProcessors();
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "unknown";
  }
}
