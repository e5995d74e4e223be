package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.conceptprune.experiment.Evaluation;
import org.conceptprune.experiment.Selection;
import org.conceptprune.experiment.ToyExperiment;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.clip.ToyClip;
import org.conceptprune.util.OutputPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code demo}: the README's main job, a thin call of {@code evaluate --experiment toy}: erase a style
 * and an object from the shipped toy model, with a random-pruning control, the all-ff.net.2 ceiling
 * and a k x t̂ sweep of the style; before/after grids, tables and plots in OUT/index.html.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Erase one style and one object from the shipped toy model (evaluate --experiment toy): grids, tables, a k/t̂ sweep and an HTML report.")
public final class DemoCommand implements Callable<Integer> {
  static final List<Double> SWEEP_K = List.of(0.01, 0.02, 0.05, 0.1);
  static final List<Integer> SWEEP_T = List.of(5, 10);

  @Spec CommandSpec spec;

  @Option(names = "--out", defaultValue = "out/demo", description = "Output folder (default ${DEFAULT-VALUE}); a rerun reuses what is there.")
  Path out;

  @Option(names = "--style", description = "Style to erase (default: zorbly, or the first style of the model's toy world).")
  String style;

  @Option(names = "--object", defaultValue = "heart", description = "Object to erase (default ${DEFAULT-VALUE}).")
  String object;

  @Option(names = "--k", paramLabel = "K", defaultValue = "0.05", description = "k (default ${DEFAULT-VALUE}).")
  double k;

  @Option(names = "--timesteps", defaultValue = "10", description = "t̂ (default ${DEFAULT-VALUE}).")
  int tHat;

  @Option(names = "--model", description = "A toy model folder (default: the shipped one).")
  Path model;

  @Override
  public Integer call() {
    OutputPaths.inputs().add("--model", model).check("--out", out);
    Path base = model != null ? model : ToyModel.extractBundled();
    String st = style != null ? style : ToyModel.world(base).style(0).name(); // classic: zorbly
    var options = new ToyExperiment.Options(List.of(st, object), k, tHat, 2, 0, SWEEP_K, SWEEP_T, true, model,
        ToyClip.forModel(base), false, java.util.Map.of(), 1);
    try (ToyExperiment e = new ToyExperiment(options)) {
      Evaluation.Outcome o = new Evaluation(e, out, spec.commandLine().getErr())
          .run(List.of(new Evaluation.ModelSpec("base", base, null)), null, Selection.ALL, false);
      spec.commandLine().getOut().print(o.table());
      spec.commandLine().getOut().printf(Locale.ROOT, "demo: %s (%d images generated)%n", out.resolve("index.html"), o.generated());
    }
    return 0;
  }
}
