package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.conceptprune.experiment.ToyReport;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code toy eval}: {@link ToyReport}, a view of {@code evaluate --experiment toy} with the toy's ablations, erasure table and sweep. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Judge the toy model through evaluate --experiment toy: accuracy, ablations (all ff.net.2 / all attn2.to_out / random zeroed), erasure of every style and object with a random control, three at once, sweeps over k and t̂.")
public final class ToyEvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", description = "A toy model folder (default: the shipped one).")
  Path model;

  @Option(names = "--json", defaultValue = "out/toy-eval.json", description = "JSON report (default ${DEFAULT-VALUE}).")
  Path json;

  @Option(names = "--out", defaultValue = "out/toy-eval", description = "The evaluation's folder: images, results.csv, index.html (default ${DEFAULT-VALUE}); a rerun of the same settings resumes.")
  Path out;

  @Option(names = "--quick", description = "Three concepts (classic: zorbly, dravish, heart; another world: its first two styles and heart), 2 images per prompt variant asking for an erased concept (else 4).")
  boolean quick;

  @Option(names = "--k", paramLabel = "K", defaultValue = "" + ToyDefaults.K, description = "k (default ${DEFAULT-VALUE}).")
  double k;

  @Option(names = "--timesteps", defaultValue = "" + ToyDefaults.T_HAT, description = "t̂ (default ${DEFAULT-VALUE}).")
  int tHat;

  @Option(names = "--objects-per-style", paramLabel = "N", defaultValue = "0",
      description = "Judge only N objects of each style (style s: objects s, s+1, ...) in the accuracy, ablation and"
          + " others sets; 0 = every pair (default). A crowded world's 720 pairs cost an image each per model.")
  int objectsPerStyle;

  @Option(names = "--concept", paramLabel = "NAME", description = "Erase these styles / objects (repeatable) instead of every concept (or --quick's three).")
  List<String> concepts;

  @Option(names = "--sweep", description = "Sweep k in {1, 2, 5, 10}%% and t̂ in {5, 10} for the first concept.")
  boolean sweep;

  @Option(names = "--seed", defaultValue = "0", description = "The recipe's seed (default ${DEFAULT-VALUE}).")
  long seed;

  /**
   * One copy by default: toy eval draws batches of 64 images, where libtorch's threads pay (unlike the
   * demo's small batches), and two copies at that batch size peaked at 5.2-6.8 GB RSS against 0.65 GB
   * for one (docs/BENCHMARKS.md, "toy eval").
   */
  @Option(names = "--workers", paramLabel = "N", defaultValue = "1", description = "Copies of the model working in parallel, each on its own thread (default ${DEFAULT-VALUE}; more copies cost memory at toy eval's 64-image batches).")
  int workers;

  @Override
  public Integer call() {
    OutputPaths paths = OutputPaths.inputs().add("--model", model);
    paths.check("--json", json);
    paths.check("--out", out);
    var s = new ToyReport.Settings(model, concepts, quick, k, tHat, sweep, objectsPerStyle, seed);
    var o = spec.commandLine().getOut();
    ToyReport.Result r = ToyReport.run(s, out, workers, ProgressListener.printing(spec.commandLine().getErr()));
    r.table().forEach(o::println);
    AtomicFiles.writeString(json, r.report().toPrettyString());
    o.println(r.generated() + " images generated; report: " + json + "; images, results and index.html: " + out);
    return 0;
  }
}
