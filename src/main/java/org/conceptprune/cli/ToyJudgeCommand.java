package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.conceptprune.toy.ToyImages;
import org.conceptprune.toy.TrainJudge;
import org.conceptprune.toy.World;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code toy judge --world W --out DIR}: trains the judge of a toy world (object and style of 32x32
 * images) on fresh renders and writes judge.json + judge.safetensors. A toy model trained on a world
 * other than classic keeps its judge in MODEL/judge/, where {@code toy eval} looks for it.
 */
@Command(name = "judge", mixinStandardHelpOptions = true,
    description = "Train the judge of a toy world on fresh renders (for a crowded model: --out MODEL/judge).")
public final class ToyJudgeCommand implements Callable<Integer> {
  @Option(names = "--world", paramLabel = "W", defaultValue = "classic",
      description = "classic or crowded:N:SEED (default ${DEFAULT-VALUE}).")
  String world;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Folder for judge.json and judge.safetensors (e.g. MODEL/judge).")
  Path out;

  @Option(names = "--steps", paramLabel = "N",
      description = "Training steps, batch 64 (default: 50 per style, at least 1600: 6000 for 120 styles).")
  Integer steps;

  @Option(names = "--minutes", paramLabel = "M", description = "Train for this long instead of a step count (the step count then depends on the machine).")
  Double minutes;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}, the shipped judge's).")
  long seed;

  /** The default step count: 50 per style, at least the shipped classic judge's 1,600. */
  static int defaultSteps(World w) {
    return Math.max(1600, 50 * w.numStyles());
  }

  @Override
  public Integer call() {
    World w = World.named(world);
    if (steps != null && minutes != null) throw new UserError("give --steps or --minutes, not both");
    if (steps != null && steps < 1 || minutes != null && !(minutes > 0)) throw new UserError("--steps must be >= 1 and --minutes > 0");
    OutputPaths.inputs().check("--out", out);
    int n = minutes != null ? 0 : steps != null ? steps : defaultSteps(w);
    double m = minutes != null ? minutes : 0;
    TrainJudge.Report[] r = new TrainJudge.Report[1];
    AtomicFiles.writeFolder(out, tmp -> {
      r[0] = TrainJudge.train(w, tmp, seed, m, n, System.out::println);
      ToyImages.writeWorldGrid(w, seed, 2, tmp.resolve("world-grid.png"));
    });
    TrainJudge.Report x = r[0];
    System.out.println(String.format(Locale.ROOT,
        "judge of the %s world: %d steps in %.1f s, %d parameters, %s weights; fresh renders (2048): object %.4f style %.4f;"
            + " held-out pairs (512): object %.4f style %.4f -> %s (world grid: world-grid.png)",
        w.name(), x.steps(), x.seconds(), x.parameters(), x.ema() ? "EMA" : "live", x.objectAcc(), x.styleAcc(),
        x.heldOutObjectAcc(), x.heldOutStyleAcc(), out));
    return 0;
  }
}
