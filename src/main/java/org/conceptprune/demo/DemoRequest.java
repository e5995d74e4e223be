package org.conceptprune.demo;

import java.nio.file.Path;
import java.util.List;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.prune.ConceptSpec;
import org.conceptprune.util.UserError;

/**
 * One demo run.
 *
 * @param out the output folder (a rerun reuses what is there)
 * @param model a toy model folder, null: the shipped one
 * @param concepts the concepts erased one at a time (empty: every style and object of the model's world)
 * @param k, tHat ConceptPrune's settings (FIA and random prune as many weights)
 * @param perConcept images per prompt variant asking for a concept (a style: one per object; an object: one per style)
 * @param askingLimit at most this many prompt variants asking for a concept (an object is asked in
 *     every style: 16; 8 takes every other one), 0: all
 * @param othersSample (object, style) pairs every model draws for "the others kept"
 * @param sweepK, sweepT the k x t̂ sweep of the featured concept
 * @param attackPrompts the featured concept's prompts the attacks try (its first n asking prompts)
 * @param udIterations, udTimesteps UnlearnDiffAtk's budget per prompt: iterations at each of these timesteps
 * @param udTokens UnlearnDiffAtk's adversarial tokens
 * @param workers copies of the model working in parallel, each on its own thread
 */
public record DemoRequest(Path out, Path model, List<String> concepts, double k, int tHat, int perConcept, int askingLimit, int othersSample,
    List<Double> sweepK, List<Integer> sweepT, int attackPrompts, int udIterations, List<Integer> udTimesteps, int udTokens,
    int workers) {
  /** Images per concept variant, the others' sample and the attack budget that fit the demo's time on 2 cores. */
  public static final int PER_CONCEPT = 1;
  public static final int ASKING_LIMIT = 8;
  public static final int OTHERS_SAMPLE = 8;
  public static final int ATTACK_PROMPTS = 6;
  public static final int UD_ITERATIONS = 10;
  public static final List<Integer> UD_TIMESTEPS = List.of(100, 300, 500, 700, 900);
  public static final int UD_TOKENS = 3;

  public DemoRequest {
    if (out == null) throw new UserError("the demo needs an output folder (--out)");
    concepts = List.copyOf(concepts);
    ConceptSpec.checkK("--k", k);
    sweepK.forEach(x -> ConceptSpec.checkK("the sweep's k", x));
    if (tHat < 1) throw new UserError("--timesteps must be at least 1, got " + tHat);
    if (perConcept < 1) throw new UserError("--images-per-concept must be at least 1, got " + perConcept);
    if (askingLimit < 0) throw new UserError("--asking-limit must be at least 0, got " + askingLimit);
    if (othersSample < 1) throw new UserError("--others-sample must be at least 1, got " + othersSample);
    if (attackPrompts < 1) throw new UserError("--attack-prompts must be at least 1, got " + attackPrompts);
    if (udIterations < 1) throw new UserError("--ud-iterations must be at least 1, got " + udIterations);
    if (udTimesteps.isEmpty()) throw new UserError("UnlearnDiffAtk needs at least one timestep");
    for (int t : udTimesteps) if (t < 0 || t > 999) throw new UserError("UnlearnDiffAtk timesteps must be in 0..999, got " + t);
    if (udTokens < 1) throw new UserError("UnlearnDiffAtk needs at least one token, got " + udTokens);
    if (workers < 1) throw new UserError("--workers must be at least 1, got " + workers);
  }

  /** The demo's defaults: every concept of the shipped model's world. */
  public static DemoRequest defaults(Path out) {
    return new DemoRequest(out, null, List.of(), ToyDefaults.K, ToyDefaults.T_HAT, PER_CONCEPT, ASKING_LIMIT, OTHERS_SAMPLE, ToyDefaults.SWEEP_K,
        ToyDefaults.SWEEP_T, ATTACK_PROMPTS, UD_ITERATIONS, UD_TIMESTEPS, UD_TOKENS, 1);
  }
}
