package org.conceptprune.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.model.unet.UNet2DConditionModel;
import org.conceptprune.nn.Profiler;
import org.conceptprune.nn.WeightLoader;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.pipeline.UNetTimer;
import org.conceptprune.runtime.Precision;
import org.conceptprune.util.Machine;

/**
 * {@code bench --compare-precision}: the UNet loaded twice, fp32 and bf16, and their calls
 * alternated (fp32, bf16, bf16, fp32, ...) so both see the same load. On a shared machine the
 * absolute times drift with the load; the per-pair ratios are what this measures.
 */
final class PrecisionBench {
  private PrecisionBench() {}

  static void run(Path model, Path config, List<Integer> sizes, int calls, ObjectNode r, PrintWriter out) {
    Precision.Choice auto = Precision.resolve(Precision.AUTO, Precision.cpuFlags());
    r.put("auto_precision_here", auto.precision().cliName());
    try (ModelSource src = ModelSource.open(model, config); NDManager m = org.conceptprune.runtime.TorchRuntime.newManager()) {
      UNet2DConditionModel fp32 = new UNet2DConditionModel(src.unetConfig());
      WeightLoader.load("unet", fp32, src.weights(Component.UNET), m, k -> false, DataType.FLOAT32);
      UNet2DConditionModel bf16 = new UNet2DConditionModel(src.unetConfig());
      WeightLoader.load("unet", bf16, src.weights(Component.UNET), m, k -> false, DataType.BFLOAT16);
      out.printf("fp32 vs bf16, alternating calls (auto picks %s on this CPU), load average %s%n",
          auto.precision().cliName(), Machine.loadAvg());
      ArrayNode rows = r.putArray("precision_compare");
      for (int size : sizes) compareAt(fp32, bf16, m, size, calls, rows, out);
    }
  }

  /** fp32 and bf16 calls alternated at one image size, after one untimed warm-up call of each. */
  private static void compareAt(UNet2DConditionModel fp32, UNet2DConditionModel bf16, NDManager m, int size, int calls,
      ArrayNode rows, PrintWriter out) {
    int lat = size / 8;
    UNetTimer.timeCall(fp32, m, lat, 0); // warm-up, untimed
    UNetTimer.timeCall(bf16, m, lat, 0);
    Profiler.reset();
    double[] a = new double[calls];
    double[] b = new double[calls];
    double[] cpuA = new double[calls];
    double[] cpuB = new double[calls];
    double[] ratio = new double[calls];
    Map<String, Double> profA = new TreeMap<>();
    Map<String, Double> profB = new TreeMap<>();
    for (int i = 0; i < calls; i++) {
      double[] ta;
      double[] tb;
      if (i % 2 == 0) {
        ta = profiled(fp32, m, lat, i + 1, profA);
        tb = profiled(bf16, m, lat, i + 1, profB);
      } else {
        tb = profiled(bf16, m, lat, i + 1, profB);
        ta = profiled(fp32, m, lat, i + 1, profA);
      }
      a[i] = ta[0];
      b[i] = tb[0];
      cpuA[i] = ta[1];
      cpuB[i] = tb[1];
      ratio[i] = a[i] / b[i];
    }
    double ma = mean(a);
    double mb = mean(b);
    double med = median(ratio);
    ObjectNode row = rows.addObject().put("size", size).put("batch", 2);
    row.put("fp32_mean_seconds_per_call", ma).put("bf16_mean_seconds_per_call", mb);
    row.put("fp32_best_seconds_per_call", Arrays.stream(a).min().orElse(0));
    row.put("bf16_best_seconds_per_call", Arrays.stream(b).min().orElse(0));
    row.put("fp32_over_bf16_median_ratio", med);
    row.put("fp32_over_bf16_mean_ratio", ma / mb);
    row.put("fp32_mean_cpu_seconds_per_call", mean(cpuA));
    row.put("bf16_mean_cpu_seconds_per_call", mean(cpuB));
    row.put("fp32_over_bf16_cpu_ratio", mean(cpuA) / mean(cpuB));
    row.put("pairs", calls);
    row.put("loadavg", Machine.loadAvg());
    out.printf("%dx%d, batch 2: fp32 %.2f s/call, bf16 %.2f s/call (means of %d); fp32/bf16 %.2fx (median of pairs %.2fx); "
        + "CPU time fp32 %.2f s, bf16 %.2f s: %.2fx; load %s%n",
        size, size, ma, mb, calls, ma / mb, med, mean(cpuA), mean(cpuB), mean(cpuA) / mean(cpuB), Machine.loadAvg());
    if (Profiler.ON) printProfile(row, profA, profB, ma, mb, calls, out);
  }

  /** Seconds per call of each op kind (profiling on), fp32 against bf16, and the rest as "other". */
  private static void printProfile(ObjectNode row, Map<String, Double> profA, Map<String, Double> profB, double ma, double mb,
      int calls, PrintWriter out) {
    ObjectNode prof = row.putObject("profile_seconds_per_call");
    out.printf("  %-12s %8s %8s %7s%n", "op (s/call)", "fp32", "bf16", "ratio");
    double restA = ma;
    double restB = mb;
    for (String k : profA.keySet()) {
      double x = profA.get(k) / calls;
      double y = profB.getOrDefault(k, 0.0) / calls;
      restA -= x;
      restB -= y;
      prof.putObject(k).put("fp32", x).put("bf16", y);
      out.printf("  %-12s %8.3f %8.3f %6.2fx%n", k, x, y, x / y);
    }
    prof.putObject("other").put("fp32", restA).put("bf16", restB);
    out.printf("  %-12s %8.3f %8.3f %6.2fx%n", "other", restA, restB, restA / restB);
  }

  /** One timed call; adds its profile (seconds per op kind, when profiling) into {@code into}. */
  private static double[] profiled(UNet2DConditionModel unet, NDManager m, int lat, int seed, Map<String, Double> into) {
    Map<String, Double> before = Profiler.snapshot();
    double[] secs = UNetTimer.timeCallCpu(unet, m, lat, seed);
    Profiler.snapshot().forEach((k, v) -> into.merge(k, v - before.getOrDefault(k, 0.0), Double::sum));
    return secs;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
