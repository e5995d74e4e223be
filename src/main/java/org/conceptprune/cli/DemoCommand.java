package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.conceptprune.demo.Demo;
import org.conceptprune.demo.DemoRequest;
import org.conceptprune.demo.DemoSummary;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code demo}: the README's main job ({@link Demo}): every toy concept erased by each method, attacked, on one page. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Erase every style and object of the shipped toy model, one at a time, with ConceptPrune, FIA and random pruning (evaluate --experiment toy); sweep k and t̂ of the median concept and attack it (revival, UnlearnDiffAtk); OUT/index.html and OUT/results.json.")
public final class DemoCommand implements Callable<Integer>, OneThreadByDefault {
  @Spec CommandSpec spec;

  @Option(names = "--out", defaultValue = "out/demo", description = "Output folder (default ${DEFAULT-VALUE}); a rerun reuses what is there.")
  Path out;

  @Option(names = "--concept", paramLabel = "C", description = "Only these concepts (repeatable; default: every style and object of the model's world).")
  List<String> concepts = List.of();

  @Option(names = "--k", paramLabel = "K", defaultValue = "" + ToyDefaults.K, description = "ConceptPrune's k (default ${DEFAULT-VALUE}).")
  double k;

  @Option(names = "--timesteps", paramLabel = "T", defaultValue = "" + ToyDefaults.T_HAT, description = "t̂ (default ${DEFAULT-VALUE}).")
  int tHat;

  @Option(names = "--images-per-concept", paramLabel = "N", defaultValue = "" + DemoRequest.PER_CONCEPT,
      description = "Images per prompt variant asking for a concept (default ${DEFAULT-VALUE}).")
  int perConcept;

  @Option(names = "--asking-limit", paramLabel = "N", defaultValue = "" + DemoRequest.ASKING_LIMIT,
      description = "At most N prompt variants asking for a concept, spread over the world (an object: one per style, 16; default ${DEFAULT-VALUE}; 0: all).")
  int askingLimit;

  @Option(names = "--others-sample", paramLabel = "N", defaultValue = "" + DemoRequest.OTHERS_SAMPLE,
      description = "(object, style) pairs every model draws for the others kept (default ${DEFAULT-VALUE}).")
  int othersSample;

  @Option(names = "--attack-prompts", paramLabel = "N", defaultValue = "" + DemoRequest.ATTACK_PROMPTS,
      description = "Prompts of the featured concept the attacks try (default ${DEFAULT-VALUE}).")
  int attackPrompts;

  @Option(names = "--ud-iterations", paramLabel = "N", defaultValue = "" + DemoRequest.UD_ITERATIONS,
      description = "UnlearnDiffAtk's iterations per timestep (default ${DEFAULT-VALUE}).")
  int udIterations;

  @Option(names = "--workers", paramLabel = "N", description = "Copies of the model working in parallel, each on its own thread (default: cores / --threads).")
  Integer workers;

  @Option(names = "--model", description = "A toy model folder (default: the shipped one).")
  Path model;

  @Override
  public Integer call() {
    OutputPaths.inputs().add("--model", model).check("--out", out);
    DemoRequest d = DemoRequest.defaults(out);
    var r = new DemoRequest(out, model, concepts, k, tHat, perConcept, askingLimit, othersSample, d.sweepK(), d.sweepT(), attackPrompts, udIterations,
        d.udTimesteps(), d.udTokens(), workers != null ? workers : Math.max(1, Runtime.getRuntime().availableProcessors() / TorchRuntime.threads()));
    Demo.Result res = Demo.run(r, ProgressListener.printing(spec.commandLine().getErr()));
    var o = spec.commandLine().getOut();
    for (DemoSummary.Method m : res.summary().methods()) {
      o.printf(Locale.ROOT, "%-15s zeroes %5.2f%% of ff.net.2; erased concept %.2f -> %.2f [%.2f, %.2f]; others kept %.2f -> %.2f%n", m.name(),
          100 * m.pruned(), m.before().value(), m.after().value(), m.after().lo(), m.after().hi(), m.othersBefore().value(), m.othersAfter().value());
    }
    o.printf(Locale.ROOT, "featured: %s; demo: %s (%.0f s)%n", res.summary().featured(), res.page(),
        res.seconds().values().stream().mapToDouble(Double::doubleValue).sum());
    return 0;
  }
}
