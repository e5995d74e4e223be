package org.conceptprune.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.conceptprune.revival.LayerReport;
import org.conceptprune.revival.Locations;
import org.conceptprune.revival.Magnitude;
import org.conceptprune.revival.RevivalJob;
import org.conceptprune.revival.RevivalListener;
import org.conceptprune.revival.RevivalRequest;
import org.conceptprune.revival.RevivalResult;
import org.conceptprune.revival.RevivalSettings;
import org.conceptprune.util.Progress;
import org.conceptprune.util.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
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

  @Option(names = "--locations", paramLabel = "zeros|bottom:F|row-bottom:F|row-top:F|PATCH", defaultValue = "zeros",
      description = "Where to revive: the exact zeros of each ff.net.2 weight (default); the adaptive attacker's bottom-|W| set, per layer (bottom:F, the F·numel smallest) or per row (row-bottom:F); per row the largest |W| (row-top:F, against flip); or the masks of a mask patch (*.mask.safetensors) made for this model or the model it was pruned from.")
  String locations;

  @Option(names = "--top-ratio", paramLabel = "R", defaultValue = "0.6", description = "Fraction of the completed locations whose sign is kept, in (0, 1] (default 0.6, the paper's).")
  double topRatio;

  @Option(names = "--magnitude", paramLabel = "M", defaultValue = "max", converter = MagnitudeConverter.class,
      description = "max (just above the row's largest weight; the paper's), ave (the row's mean |w|) or sample (|N(μ, σ)| of the row).")
  Magnitude magnitude;

  @Option(names = "--seed", defaultValue = "2021", description = "Seed of the torch CPU generator that runs across all layers (default 2021).")
  long seed;

  @Option(names = "--iterations", defaultValue = "500", description = "Most completion iterations per layer (default 500).")
  int iterations;

  @Option(names = "--tolerance", defaultValue = "1e-5", description = "Stop a layer's completion when its relative change falls below this (default 1e-5).")
  double tolerance;

  @Option(names = "--sign-from", paramLabel = "ORIGINAL",
      description = "The upper bound: every location takes the sign of the unpruned model ORIGINAL (no completion, no top-k).")
  Path signFrom;

  @Option(names = "--overwrite", description = "Replace OUT and its report if they exist.")
  boolean overwrite;

  static final class MagnitudeConverter implements ITypeConverter<Magnitude> {
    @Override
    public Magnitude convert(String s) {
      try {
        return Magnitude.parse(s);
      } catch (org.conceptprune.util.UserError e) {
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    var request = new RevivalRequest(model.model, model.config, out, Locations.parse(locations), signFrom,
        new RevivalSettings(topRatio, magnitude, seed, iterations, tolerance), null, null, overwrite);
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
