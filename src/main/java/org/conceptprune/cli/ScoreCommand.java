package org.conceptprune.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code score clip|classify|nudity|q16|style|fid-features|fid}: the evaluation models on images. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Score images with an evaluation model: CLIP, an ImageNet classifier, NudeNet, Q16, the WikiArt style ViT, FID features and FID/KID.",
    subcommands = {ScoreClipCommand.class, ScoreClassifyCommand.class, ScoreNudityCommand.class, ScoreFidFeaturesCommand.class,
        ScoreFidCommand.class, ScoreQ16Command.class, ScoreStyleCommand.class})
public final class ScoreCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing evaluator: clip, classify, nudity, q16, style, fid-features or fid");
  }
}
