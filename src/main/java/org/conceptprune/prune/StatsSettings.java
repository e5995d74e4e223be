package org.conceptprune.prune;

import java.util.LinkedHashMap;
import java.util.Map;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.util.UserError;

/**
 * Settings of one statistics pass (ALGORITHM.md §3). Seeds: every pair starts from the latent of
 * {@code seed} (the authors' code re-seeds with the same value before every prompt), or from
 * {@code seed + i} for pair i when {@code seedPerPair}.
 *
 * @param timesteps t̂: the number of UNet calls recorded; the sampler stops after call t̂-1
 * @param steps the sampler's inference steps (PNDM 50 makes 51 calls)
 * @param perPrompt also record each prompt's own sums ({@link PruneStats.PerPrompt}; FIA needs them)
 * @param latentSeeds every pair runs from this many latents (seed, seed+1, ...; 1 = the authors' single
 *     latent); the sums pool them, the per-prompt records keep them apart
 */
public record StatsSettings(ProbeSite site, Aggregation aggregation, int timesteps, SchedulerKind scheduler,
    int steps, double guidance, long seed, boolean seedPerPair, int width, int height, boolean perPrompt,
    int latentSeeds) {
  /** The statistics pass samples with PNDM unless told otherwise: the authors' pipeline does. */
  public static final SchedulerKind DEFAULT_SCHEDULER = SchedulerKind.PNDM;

  public StatsSettings {
    if (timesteps < 1) throw new UserError("--timesteps (t̂) must be >= 1, got " + timesteps);
    if (steps < 1) throw new UserError("--steps must be >= 1, got " + steps);
    if (latentSeeds < 1) throw new UserError("--latent-seeds must be >= 1, got " + latentSeeds);
    if (perPrompt && aggregation != Aggregation.TOKENNORM) {
      throw new UserError("per-prompt statistics (FIA) use token-normalised rows; --aggregation raw is not supported there");
    }
  }

  /** ConceptPrune's pass: pooled sums only, one latent per pair. */
  public StatsSettings(ProbeSite site, Aggregation aggregation, int timesteps, SchedulerKind scheduler, int steps,
      double guidance, long seed, boolean seedPerPair, int width, int height) {
    this(site, aggregation, timesteps, scheduler, steps, guidance, seed, seedPerPair, width, height, false, 1);
  }

  /**
   * The command line's defaults for a concept and method: the ff.net.2 site, token-normalised rows, the
   * concept's t̂, PNDM 50 steps, guidance 7.5, the model's size; every pair from one latent of seed 0
   * (ConceptPrune) or 1244 with per-prompt records (FIA, as its reference).
   */
  public static StatsSettings of(ConceptSpec c, ErasureMethod method) {
    boolean perPrompt = method.needsPerPrompt();
    return new StatsSettings(ProbeSite.FFN2, Aggregation.TOKENNORM, c.timesteps(), DEFAULT_SCHEDULER, 50, 7.5,
        method instanceof FiaMethod ? FiaPrompts.SEED : 0, false, 0, 0, perPrompt, 1);
  }

  /** The settings as strings for safetensors metadata. */
  public Map<String, String> metadata() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("site", site.cliName);
    m.put("aggregation", aggregation.cliName);
    m.put("timesteps", Integer.toString(timesteps));
    m.put("scheduler", scheduler.cliName());
    m.put("steps", Integer.toString(steps));
    m.put("guidance", Double.toString(guidance));
    m.put("seed", Long.toString(seed));
    m.put("seed_per_pair", Boolean.toString(seedPerPair));
    m.put("width", Integer.toString(width));
    m.put("height", Integer.toString(height));
    // Written only when not the default, so ConceptPrune's statistics (and their cache keys) stay as they were.
    if (perPrompt) m.put("per_prompt", "true");
    if (latentSeeds != 1) m.put("latent_seeds", Integer.toString(latentSeeds));
    return m;
  }
}
