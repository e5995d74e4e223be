package org.conceptprune.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.conceptprune.revival.LayerReport;
import org.conceptprune.revival.RevivalJob;
import org.conceptprune.revival.RevivalListener;
import org.conceptprune.revival.RevivalRequest;
import org.conceptprune.revival.RevivalResult;
import org.conceptprune.util.Progress;
import org.conceptprune.util.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code revive MODEL -o OUT}: the data-free revival attack on a pruned model (docs/ATTACKS.md, "Revival"). */
@Command(name = "revive", mixinStandardHelpOptions = true,
    description = "Un-prune a pruned model from its zeros alone (\"Roots Beneath the Cut\"): complete each ff.net.2 weight by soft-thresholded SVD, keep the largest completed signs, give them a magnitude just above the row's largest weight. Writes the revived model in the input's layout and OUT.report.json.")
public final class ReviveCommand implements Callable<Integer> {
  /** Layers with at least this many weights get a per-iteration progress bar. */
  private static final long BIG_LAYER = 1_000_000;

  @Spec CommandSpec spec;
  @Mixin ModelOptions model;

  @Option(names = {"-o", "--out"}, paramLabel = "OUT", required = true,
      description = "The revived model: a folder for a diffusers input, a .safetensors file for a single-file input.")
  Path out;

  @Mixin RevivalOptions revival;

  /** revive's name before the options were shared with attack: still read, shown as --revival-seed. */
  @Option(names = "--seed", hidden = true, paramLabel = "N")
  void oldSeed(long seed) {
    revival.seed = seed;
  }

  /** revive's name before the options were shared with attack: still read, shown as --completion-iterations. */
  @Option(names = "--iterations", hidden = true, paramLabel = "N")
  void oldIterations(int iterations) {
    revival.iterations = iterations;
  }

  @Option(names = "--overwrite", description = "Replace OUT and its report if they exist.")
  boolean overwrite;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    var request = new RevivalRequest(model.model, model.config, out, revival.where(), revival.signFromPath(), revival.settings(), null, null,
        overwrite);
    RevivalResult r = RevivalJob.run(request, new Bars(ProgressListener.printing(err)));
    stdout.println("layer                                                        locations  dropped   filled  iters    final δ   seconds");
    for (LayerReport l : r.layers()) {
      stdout.printf(Locale.ROOT, "%-60s %9d %8d %8d %6d %10.3g %8.2f%s%s%n", l.layer(), l.locations(), l.dropped(), l.filled(),
          l.iterations(), l.delta(), l.seconds(), l.cached() ? " (cached)" : "",
          l.emptyColumns() > 0 ? " (" + l.emptyColumns() + " empty columns left at 0)" : "");
    }
    stdout.printf(Locale.ROOT, "revived %d of %d locations -> %s%nreport: %s%nwall time %.1f s%n", r.totalFilled(),
        r.totalLocations(), r.out(), r.report(), r.seconds());
    return 0;
  }

  /** A bar over the layers, and one over the iterations of each big layer. */
  private static final class Bars implements RevivalListener {
    private final ProgressListener err;
    private Progress layers;
    private Progress iterations;

    Bars(ProgressListener err) {
      this.err = err;
    }

    @Override
    public void layerStarted(String layer, int index, int count, int rows, int cols, long locations, int maxIterations) {
      if (layers == null) layers = new Progress("revive (layers)", count, err);
      iterations = (long) rows * cols >= BIG_LAYER && maxIterations > 0 && locations > 0
          ? new Progress("  " + layer + " [" + rows + "x" + cols + "] completion iterations", maxIterations, err) : null;
    }

    @Override
    public void iteration(String layer, int k, double delta) {
      if (iterations != null) iterations.step();
    }

    @Override
    public void layerDone(LayerReport report) {
      if (iterations != null) iterations.advance(Long.MAX_VALUE / 2); // converged early: close the bar
      layers.step();
    }
  }
}
