package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.conceptprune.toy.World;
import org.conceptprune.toy.clip.ToyClipDesign;
import org.conceptprune.toy.clip.ToyClipEval;
import org.conceptprune.toy.clip.ToyClipTrainer;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.OutputPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code toy clip train} and {@code toy clip eval}: the toy world's CLIP. */
@Command(name = "clip", mixinStandardHelpOptions = true,
    description = "The toy world's CLIP: train it (contrastive, on renders and captions of the training pairs), or measure its zero-shot accuracy.",
    subcommands = {ToyClipCommand.Train.class, ToyClipCommand.Eval.class})
public final class ToyClipCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train a toy CLIP and write it as a transformers CLIPModel folder (score clip loads it).")
  public static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", defaultValue = "out/toy-clip", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", defaultValue = "3000", description = "Steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--text-hidden", defaultValue = "32",
        description = "Width of the text tower = the toy UNet's cross_attention_dim when it conditions one (default ${DEFAULT-VALUE}).")
    int textHidden;

    @Option(names = "--vision-hidden", defaultValue = "96", description = "Vision tower width (default ${DEFAULT-VALUE}).")
    int visionHidden;

    @Option(names = "--vision-layers", defaultValue = "4", description = "Vision tower layers (default ${DEFAULT-VALUE}).")
    int visionLayers;

    @Option(names = "--patch", defaultValue = "8", description = "Patch size in pixels (default ${DEFAULT-VALUE}).")
    int patch;

    @Option(names = "--world", paramLabel = "W", defaultValue = "classic",
        description = "The toy world: classic or crowded:N:SEED (default ${DEFAULT-VALUE}).")
    String world;

    @Option(names = "--overwrite", description = "Replace OUT if it exists.")
    boolean overwrite;

    @Override
    public Integer call() {
      if (steps < 1 || batch < 2 || !(lr > 0)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "need --steps >= 1, --batch >= 2 and --lr > 0");
      }
      ToyClipDesign design;
      try {
        design = ToyClipDesign.defaults().withTextHidden(textHidden).withVision(visionHidden, visionLayers, patch);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      OutputPaths.inputs().check("--out", out, overwrite);
      World w = World.named(world);
      AtomicFiles.writeFolder(out, tmp -> ToyClipTrainer.train(
          new ToyClipTrainer.Options(tmp, seed, steps, batch, lr, design, w), System.out::println));
      System.out.println("toy CLIP: " + out);
      return 0;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "Zero-shot accuracy of a toy CLIP on fresh renders: object, style and pair, on training and held-out pairs.")
  public static final class Eval implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A toy CLIP folder.")
    Path model;

    @Option(names = "--seed", defaultValue = "1000", description = "Seed of the renders (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--per-pair", defaultValue = "4", description = "Renders per (object, style) pair (default ${DEFAULT-VALUE}).")
    int perPair;

    @Override
    public Integer call() {
      ToyClipEval.run(model, seed, perPair, System.out::println);
      return 0;
    }
  }
}
