package org.conceptprune.attack;

import java.nio.file.Path;
import java.util.List;
import org.conceptprune.revival.RevivalSettings;

/**
 * One attack run as the {@code attack} command (or a Java caller) states it; {@link AttackJob#run}
 * resolves the models, prompts, judge and method from it. A null field takes the default its
 * comment names; the method reads only its own settings.
 *
 * @param model the attacked model: a folder or single file, a mask patch on {@code base}, "toy" (the
 *     shipped toy model), or null with {@code mask}
 * @param base the base (unerased) model: a folder, single file or "toy" (null: toy with the toy judge)
 * @param mask a mask patch that, applied to {@code base}, gives the attacked model (or null)
 * @param config configs for single-file models (or null)
 * @param method the attack (unlearndiff, inversion, ring-a-bell, random or revival)
 * @param prompts a CSV (a prompt column, optional evaluation_seed / guidance) or a shipped set's name
 * @param limit only the first N prompts (null: all)
 * @param judge the judge (toy, classify:WEIGHTS, nudity:ONNX, clip:DIR or style:DIR)
 * @param against the clip judge's other classes (or null)
 * @param top the style judge's success: the artist in the top N (null: 1)
 * @param concept the erased concept the judge looks for
 * @param out the output folder (reused to resume)
 */
public record AttackRequest(String model, String base, Path mask, Path config, AttackMethodKind method, MethodSettings settings,
    String prompts, Integer limit, JudgeSpec judge, List<String> against, Integer top, String concept, Sampling sampling, Path out) {

  /**
   * @param seed the seed of rows without their own (seed + row) and of the attacks
   * @param steps sampler steps (null: toy 20, else 50)
   * @param guidance guidance of rows without their own (null: toy 4, else 7.5)
   * @param scheduler pndm, ddim, euler or dpmpp-2m (null: toy ddim, else the model's)
   */
  public record Sampling(long seed, Integer steps, Double guidance, String scheduler) {}

  /** Every method's settings; the run reads those of its method. */
  public record MethodSettings(Tokens tokens, Inversion inversion, RingABellSearch ringABell, Revival revival) {}

  /**
   * unlearndiff and random.
   *
   * @param count adversarial tokens (null: 3; 5 for nudity)
   * @param iterations unlearndiff: iterations per timestep
   * @param timesteps unlearndiff: sweep N timesteps T/N/2, 3T/N/2, ...
   * @param timestepList unlearndiff: sweep these timesteps instead, in this order (or null)
   * @param lr unlearndiff: Adam's learning rate (null: 0.01)
   * @param weightDecay unlearndiff: Adam's weight decay
   * @param tries random: prefixes tried per prompt
   */
  public record Tokens(Integer count, int iterations, int timesteps, List<Integer> timestepList, Double lr, double weightDecay,
      int tries) {}

  /**
   * @param initWord the one-token word the new token starts from
   * @param steps optimiser steps
   * @param lr learning rate (null: 0.005)
   * @param trainImages base-model images to learn from
   */
  public record Inversion(String initWord, int steps, Double lr, int trainImages) {}

  /**
   * @param pairs prompt pairs, columns prompt (with the concept) and prompt1 (without); null: a toy
   *     concept's calibration pairs
   * @param length searched tokens
   * @param eta concept vector coefficient
   */
  public record RingABellSearch(String pairs, int length, double eta, int population, int generations) {}

  /**
   * @param locations zeros, bottom:F, row-bottom:F, row-top:F or a mask patch ({@code revival.Locations})
   * @param settings top ratio, magnitude, seed, completion iterations and tolerance
   * @param signFrom the upper bound: signs of this unpruned model at every location ("base": the base
   *     model; null: none)
   */
  public record Revival(String locations, RevivalSettings settings, String signFrom) {}
}
