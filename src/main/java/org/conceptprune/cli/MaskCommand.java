package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.conceptprune.prune.MaskSweep;
import org.conceptprune.util.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mask MODEL --stats F... --k 0.01,0.02 --timesteps 5,10 --out DIR}: masks from cached
 * statistics for every setting of a sweep (ConceptPrune's k, or FIA's r1 x r2 x alpha), without running
 * the UNet; one mask patch per setting and a density report.
 */
@Command(name = "mask", mixinStandardHelpOptions = true,
    description = "Derive masks from cached statistics (no UNet) for one or many k and t̂ (or FIA's r1, r2, alpha); writes mask patches and densities.")
public final class MaskCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;

  @Option(names = "--stats", paramLabel = "FILE", required = true, description = "Statistics of a concept (from stats or prune); repeatable: the masks are combined by the method.")
  List<Path> stats;

  @Option(names = "--method", paramLabel = "M", defaultValue = "conceptprune", converter = MethodKind.Converter.class,
      description = "conceptprune (default; needs --k) or fia (needs statistics made with --method fia).")
  MethodKind method;

  @Option(names = "--k", paramLabel = "K", split = ",", description = "conceptprune: one or more k, comma-separated.")
  List<Double> ks = new ArrayList<>();

  @Option(names = "--timesteps", paramLabel = "T", split = ",", required = true, description = "One or more t̂, comma-separated.")
  List<Integer> timesteps;

  @Option(names = "--rho", paramLabel = "R", defaultValue = "0", description = "conceptprune: vote threshold (default 0: the plain OR).")
  double rho;

  @Option(names = "--unskilled", description = "conceptprune: the unskilled neurons instead (control).")
  boolean unskilled;

  @Option(names = "--r1", paramLabel = "R", split = ",", description = "fia: one or more r1 (default 0.05).")
  List<Double> r1s = new ArrayList<>();

  @Option(names = "--r2", paramLabel = "R", split = ",", description = "fia: one or more r2 (default: the first concept's family's).")
  List<Double> r2s = new ArrayList<>();

  @Option(names = "--alpha", paramLabel = "A", split = ",", description = "fia: one or more alpha (default: the family's).")
  List<Double> alphas = new ArrayList<>();

  @Option(names = "--r2-for", paramLabel = "NAME=R", description = "fia: r2 of one concept (repeatable).")
  Map<String, Double> r2For = new LinkedHashMap<>();

  @Option(names = "--fusion", paramLabel = "RULE", defaultValue = "paper", description = "fia: paper (default) or reference.")
  String fusion;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true, description = "Folder for mask-*.safetensors and masks.json.")
  Path out;

  @Override
  public Integer call() {
    model.inputs().addAll("--stats", stats).check("--out", out);
    List<String> conceptPruneOptions = new ArrayList<>();
    if (!ks.isEmpty()) conceptPruneOptions.add("--k");
    if (rho != 0) conceptPruneOptions.add("--rho");
    if (unskilled) conceptPruneOptions.add("--unskilled");
    method.refuseOthersOptions(!r1s.isEmpty() || !r2s.isEmpty() || !alphas.isEmpty() || !r2For.isEmpty(), conceptPruneOptions);
    MaskSweep.Grid grid = method == MethodKind.FIA ? new MaskSweep.FiaGrid(r1s, r2s, alphas, r2For, fusion)
        : new MaskSweep.ConceptPruneGrid(ks, rho, unskilled);
    var o = spec.commandLine().getOut();
    var err = ProgressListener.printing(spec.commandLine().getErr());
    var r = MaskSweep.run(new MaskSweep.Request(model.model, model.config, stats, grid, timesteps, out),
        new MaskSweep.Listener() {
          @Override
          public void note(String line) {
            err.note(line);
          }

          @Override
          public void started() {
            o.printf("%-32s %5s %10s %12s %10s %8s%n", "setting", "t̂", "pruned", "% of FFN", "% of UNet", "seconds");
          }

          @Override
          public void written(MaskSweep.Row w) {
            o.printf(Locale.ROOT, "%-32s %5d %10d %11.4f%% %9.4f%% %8.3f%n", w.setting(), w.tHat(), w.density().pruned(),
                100 * w.density().fraction(), 100.0 * w.density().pruned() / w.unetParameters(), w.seconds());
          }
        });
    o.println("wrote " + r.rows().size() + " mask patch(es) and " + r.report());
    return 0;
  }
}
