package org.conceptprune.cli;

import java.util.List;
import org.conceptprune.attack.AttackRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Mixin of {@code attack}: each attack method's settings (a method reads only its own; revival's are {@link RevivalOptions}, shared with {@code revive}). */
public final class AttackMethodOptions {
  @Option(names = "--tokens", paramLabel = "N", description = "unlearndiff, random: adversarial tokens (default 3; 5 for nudity).")
  Integer tokens;

  @Option(names = "--iterations", paramLabel = "N", defaultValue = "40", description = "unlearndiff: iterations per timestep (default ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--timesteps", paramLabel = "N", defaultValue = "50", description = "unlearndiff: sweep N timesteps T/N/2, 3T/N/2, ... (default ${DEFAULT-VALUE}: 10, 30, ..., 990).")
  int timesteps;

  @Option(names = "--tries", paramLabel = "N", defaultValue = "50", description = "random: prefixes tried per prompt (default ${DEFAULT-VALUE}, as unlearndiff's judge checks).")
  int tries;

  @Option(names = "--timestep-list", split = ",", paramLabel = "T,...", description = "unlearndiff: sweep these timesteps instead, in this order.")
  List<Integer> timestepList;

  @Option(names = "--lr", paramLabel = "LR", description = "Learning rate (unlearndiff 0.01; inversion 0.005).")
  Double lr;

  @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0.1", description = "unlearndiff: Adam's weight decay (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--init-word", paramLabel = "W", defaultValue = "art", description = "inversion: the one-token word the new token starts from (default ${DEFAULT-VALUE}).")
  String initWord;

  @Option(names = "--inversion-steps", paramLabel = "N", defaultValue = "1000", description = "inversion: optimiser steps (default ${DEFAULT-VALUE}).")
  int inversionSteps;

  @Option(names = "--train-images", paramLabel = "N", defaultValue = "25", description = "inversion: base-model images to learn from (default ${DEFAULT-VALUE}).")
  int trainImages;

  @Option(names = "--pairs", paramLabel = "CSV", description = "ring-a-bell: prompt pairs, columns prompt (with the concept) and prompt1 (without); toy default: the concept's calibration pairs.")
  String pairs;

  @Option(names = "--length", paramLabel = "N", defaultValue = "16", description = "ring-a-bell: searched tokens (default ${DEFAULT-VALUE}).")
  int length;

  @Option(names = "--eta", paramLabel = "E", defaultValue = "3", description = "ring-a-bell: concept vector coefficient (default ${DEFAULT-VALUE}).")
  double eta;

  @Option(names = "--population", paramLabel = "N", defaultValue = "200", description = "ring-a-bell: population (default ${DEFAULT-VALUE}).")
  int population;

  @Option(names = "--generations", paramLabel = "N", defaultValue = "3000", description = "ring-a-bell: generations (default ${DEFAULT-VALUE}).")
  int generations;

  @Mixin RevivalOptions revival;

  AttackRequest.MethodSettings settings() {
    return new AttackRequest.MethodSettings(
        new AttackRequest.Tokens(tokens, iterations, timesteps, timestepList, lr, weightDecay, tries),
        new AttackRequest.Inversion(initWord, inversionSteps, lr, trainImages),
        new AttackRequest.RingABellSearch(pairs, length, eta, population, generations),
        new AttackRequest.Revival(revival.locations, revival.settings(), revival.signFrom));
  }
}
