package org.conceptprune.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.model.unet.UNet2DConditionModel;
import org.conceptprune.nn.WeightLoader;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.pipeline.UNetTimer;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.Machine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench MODEL}: UNet load time and peak RSS, then seconds per UNet call with the guidance batch
 * of 2 at each size, and the peak RSS after them (Linux VmHWM of this process).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmark the UNet: load time, seconds per call (CFG batch 2) at each size, peak RSS.")
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;

  @Option(names = "--sizes", split = ",", defaultValue = "256,512", description = "Image sizes in pixels (default ${DEFAULT-VALUE}).")
  List<Integer> sizes;

  @Option(names = "--calls", defaultValue = "3", description = "Timed UNet calls per size (default ${DEFAULT-VALUE}), after one warm-up call.")
  int calls;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
  Path json;

  @Option(names = "--calibration", paramLabel = "PAIRS",
      description = "Also time the statistics pass (t̂=10, PNDM 50 steps) on PAIRS prompt pairs against full 50-step sampling of the same prompts, at the model's default size unless --calibration-size.")
  Integer calibrationPairs;

  @Option(names = "--calibration-size", paramLabel = "PX", defaultValue = "0", description = "Image size of the calibration benchmark (default: the model's).")
  int calibrationSize;

  @Option(names = "--compare-precision",
      description = "Load the UNet in fp32 and in bf16 and alternate their calls (fp32, bf16, bf16, fp32, ...) at each size: time ratios under the same load. Peak RSS then covers both models; measure it with one --precision per run.")
  boolean comparePrecision;

  @Option(names = "--masks", description = "Also time deriving masks for a new k from cached statistics (synthetic statistics on the model's real ff.net.2 weights, t̂=10).")
  boolean masks;

  @Override
  public Integer call() throws IOException {
    model.inputs().check("--json", json);
    var out = spec.commandLine().getOut();
    ObjectNode r = new ObjectMapper().createObjectNode();
    r.put("runtime", TorchRuntime.describe());
    r.put("model", model.model.toString());
    r.put("cpu", Machine.cpuName());
    r.put("rss_before_load_mb", Machine.rssMb("VmRSS"));
    if (sizes.isEmpty() || sizes.get(0) <= 0) sizes = List.of();
    r.put("precision", TorchRuntime.precision().cliName());
    r.put("loadavg_before", Machine.loadAvg());
    if (comparePrecision) {
      PrecisionBench.run(model.model, model.config, sizes, calls, r, out);
    } else {
      timeUnet(r, out);
    }
    r.put("loadavg_after", Machine.loadAvg());
    if (masks) BenchExtras.masks(model.model, model.config, r, out);
    if (calibrationPairs != null) BenchExtras.calibration(model.model, model.config, calibrationPairs, calibrationSize, r, out);
    if (json != null) AtomicFiles.writeString(json, r.toPrettyString());
    return 0;
  }

  /** Load time and peak RSS, then seconds per call at each size, in the configured precision. */
  private void timeUnet(ObjectNode r, java.io.PrintWriter out) {
    try (ModelSource src = ModelSource.open(model.model, model.config); NDManager m = TorchRuntime.newManager()) {
      long t0 = System.nanoTime();
      UNet2DConditionModel unet = new UNet2DConditionModel(src.unetConfig());
      TensorSource w = src.weights(Component.UNET);
      WeightLoader.load("unet", unet, w, m, k -> false, TorchRuntime.unetType());
      double load = (System.nanoTime() - t0) / 1e9;
      long params = unet.parameterCount();
      String dtypes = w.tensors().values().stream().map(i -> i.dtype().name()).distinct().sorted().toList().toString();
      r.put("unet_parameters", params);
      r.put("checkpoint_dtypes", dtypes);
      r.put("fp32_size_mb", params * 4 / 1e6);
      r.put("load_seconds", load);
      r.put("peak_rss_after_load_mb", Machine.rssMb("VmHWM"));
      r.put("peak_rss_after_load_over_fp32_size", Machine.rssMb("VmHWM") / (params * 4 / 1e6));
      out.printf("runtime: %s%nUNet: %,d parameters %s, fp32 size %.0f MB, loaded in %.1f s, peak RSS %.0f MB (%.2fx fp32 size)%n",
          TorchRuntime.describe(), params, dtypes, params * 4 / 1e6, load, Machine.rssMb("VmHWM"), Machine.rssMb("VmHWM") / (params * 4 / 1e6));
      ArrayNode rows = r.putArray("sizes");
      for (int size : sizes) timeSize(unet, m, size, rows, out);
    }
  }

  /** Seconds per call at one image size: one warm-up call, then {@code calls} timed ones. */
  private void timeSize(UNet2DConditionModel unet, NDManager m, int size, ArrayNode rows, java.io.PrintWriter out) {
    int lat = size / 8;
    double best = Double.MAX_VALUE;
    double sum = 0;
    double cpuSum = 0;
    for (int i = 0; i <= calls; i++) {
      double[] t = UNetTimer.timeCallCpu(unet, m, lat, i);
      double secs = t[0];
      if (Boolean.getBoolean("conceptprune.bench.verbose")) {
        out.printf("  call %d: %.2f s, RSS %.0f MB, peak %.0f MB%n", i, secs, Machine.rssMb("VmRSS"), Machine.rssMb("VmHWM"));
      }
      if (i > 0) {
        sum += secs;
        cpuSum += t[1];
        best = Math.min(best, secs);
      }
    }
    ObjectNode row = rows.addObject();
    row.put("size", size);
    row.put("batch", 2);
    row.put("mean_seconds_per_call", sum / calls);
    row.put("best_seconds_per_call", best);
    row.put("mean_cpu_seconds_per_call", cpuSum / calls);
    row.put("peak_rss_mb", Machine.rssMb("VmHWM"));
    if (org.conceptprune.nn.Profiler.ON) {
      out.print(org.conceptprune.nn.Profiler.report());
      org.conceptprune.nn.Profiler.reset();
    }
    out.printf("%dx%d, batch 2: %.2f s/call (best %.2f, mean of %d; CPU %.2f s/call), peak RSS %.0f MB, load %s%n", size, size,
        sum / calls, best, calls, cpuSum / calls, Machine.rssMb("VmHWM"), Machine.loadAvg());
  }
}
