package org.conceptprune.nn;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Wall time per op kind, when -Dconceptprune.profile=true (CPU ops are synchronous, so timing is exact). */
public final class Profiler {
  public static final boolean ON = Boolean.getBoolean("conceptprune.profile");
  private static final Map<String, LongAdder> NANOS = new ConcurrentHashMap<>();

  private Profiler() {}

  public static long start() {
    return ON ? System.nanoTime() : 0;
  }

  public static void stop(String what, long start) {
    if (ON) NANOS.computeIfAbsent(what, k -> new LongAdder()).add(System.nanoTime() - start);
  }

  public static String report() {
    StringBuilder sb = new StringBuilder();
    NANOS.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
        .forEach(e -> sb.append(String.format("  %-12s %8.3f s%n", e.getKey(), e.getValue().sum() / 1e9)));
    return sb.toString();
  }

  /** Seconds per op kind so far (for differences around a call). */
  public static Map<String, Double> snapshot() {
    Map<String, Double> out = new java.util.TreeMap<>();
    NANOS.forEach((k, v) -> out.put(k, v.sum() / 1e9));
    return out;
  }

  public static void reset() {
    NANOS.clear();
  }
}
