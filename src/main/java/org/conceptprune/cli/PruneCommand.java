package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.conceptprune.prune.ConceptSpec;
import org.conceptprune.prune.Erasure;
import org.conceptprune.prune.PruneJob;
import org.conceptprune.prune.StatsSettings;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code prune MODEL --concept ... --out OUT}: statistics, masks, the pruned model, a mask patch, a report. */
@Command(name = "prune", mixinStandardHelpOptions = true,
    description = "Erase concepts: find their neurons in the FFN layers (ConceptPrune or FIA) and write the pruned model (input's layout), a mask patch and a JSON report.")
public final class PruneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;
  @Mixin SamplingOptions sampling;
  @Mixin ConceptOptions concepts;
  @Mixin MethodOptions method;

  @Option(names = {"-o", "--out"}, paramLabel = "OUT", required = true,
      description = "The pruned model: a folder for a diffusers input, a .safetensors file for a single-file input.")
  Path out;

  @Option(names = "--mask-out", paramLabel = "FILE", description = "The mask patch (default: OUT.mask.safetensors).")
  Path maskOut;

  @Option(names = "--stats-cache", paramLabel = "DIR", description = "Where statistics are cached (default: OUT.stats/); a rerun with another k or a smaller t̂ reuses them.")
  Path statsCache;

  @Option(names = "--overwrite", description = "Replace OUT if it exists.")
  boolean overwrite;

  @Override
  public Integer call() {
    var err = ProgressListener.printing(spec.commandLine().getErr());
    var stdout = spec.commandLine().getOut();
    Path patch = maskOut != null ? maskOut : sibling(out, ".mask.safetensors");
    Path reportFile = sibling(out, ".report.json");
    Path cacheDir = statsCache != null ? statsCache : sibling(out, ".stats");
    // Every output is checked before anything runs; they are products of one run, so --overwrite covers all.
    OutputPaths paths = concepts.inputs(model.inputs().add("--latents", sampling.latents));
    paths.check("--out", out, overwrite);
    paths.check("--mask-out", patch, overwrite);
    paths.check("the report", reportFile, overwrite);
    paths.check("--stats-cache", cacheDir);
    List<ConceptSpec> specs = concepts.specs();
    var erasureMethod = method.build(concepts.method, specs);
    List<StatsSettings> settings = specs.stream().map(c -> concepts.settings(c, sampling)).toList();
    var r = Erasure.run(new Erasure.Request(model.model, model.config, specs, settings, erasureMethod, sampling.readLatents(),
        out, patch, reportFile, cacheDir, overwrite), err);
    stdout.print(PruneJob.densityText(r.masks(), r.unetParameters()));
    stdout.printf("pruned model: %s%nmask patch:   %s%nreport:       %s%nUNet calls: %d, wall time %.1f s%n", out, patch,
        reportFile, r.unetCalls(), r.seconds());
    return 0;
  }

  /** OUT's companion file: OUT + suffix beside it. */
  static Path sibling(Path out, String suffix) {
    return Erasure.beside(out, suffix);
  }
}
