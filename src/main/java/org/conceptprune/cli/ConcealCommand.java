package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.conceptprune.conceal.ConcealJob;
import org.conceptprune.toy.ToyModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code conceal MODEL --mask PATCH --defense decoys|noise|flip -o OUT}: a pruned model that hides where it was cut (docs/ATTACKS.md). */
@Command(name = "conceal", mixinStandardHelpOptions = true,
    description = "Prune MODEL with a mask patch and hide where it was cut from the revival attack: decoys (also zero the globally smallest ff.net.2 weights), noise (fill the cut positions with small values like the row's smallest weights) or flip (negate the cut weights instead of zeroing them). Writes the model in the input's layout and OUT.report.json.")
public final class ConcealCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL",
      description = "The model the patch was made for, or the model pruned with it: a diffusers folder, a single file, or 'toy' (the shipped toy model).")
  String model;

  @Option(names = "--config", paramLabel = "DIR", description = "For a single file: a diffusers folder whose configs to use.")
  Path config;

  @Option(names = "--mask", required = true, paramLabel = "PATCH", description = "The pruning mask patch (*.mask.safetensors).")
  Path mask;

  @Option(names = "--defense", required = true, paramLabel = "D", description = "decoys, noise or flip.")
  String defense;

  @Option(names = "--share", paramLabel = "S", defaultValue = "0.1",
      description = "decoys: the concept's share of all zeros afterwards, in (0, 1] (default ${DEFAULT-VALUE}: 9 decoys per pruned weight).")
  double share;

  @Option(names = "--quantile", paramLabel = "Q", defaultValue = "0.05",
      description = "noise: fill values come from the bottom Q of each row's surviving |W|, in (0, 1] (default ${DEFAULT-VALUE}).")
  double quantile;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "noise: seed of the fill (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT", description = "The concealed model (a folder, or a .safetensors for a single-file input).")
  Path out;

  @Option(names = "--overwrite", description = "Replace OUT and its report if they exist.")
  boolean overwrite;

  @Override
  public Integer call() {
    ConcealJob.Defense d = ConcealJob.Defense.parse(defense);
    Path m = model.equals("toy") ? ToyModel.extractBundled() : Path.of(model);
    var r = ConcealJob.run(new ConcealJob.Request(m, config, mask, d, share, quantile, seed, out, overwrite));
    spec.commandLine().getOut().printf(Locale.ROOT,
        "%s: %d pruned weights, %d decoys, %d weights changed, %d exact zeros left in ff.net.2%s -> %s%nreport: %s%nwall time %.1f s%n",
        d.cliName(), r.pruned(), r.decoys(), r.changed(), r.exactZeros(),
        r.skippedRows() > 0 ? " (" + r.skippedRows() + " rows without survivors left at 0)" : "", r.out(), r.report(), r.seconds());
    return 0;
  }
}
