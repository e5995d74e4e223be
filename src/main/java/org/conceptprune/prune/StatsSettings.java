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
 */
public record StatsSettings(ProbeSite site, Aggregation aggregation, int timesteps, SchedulerKind scheduler,
    int steps, double guidance, long seed, boolean seedPerPair, int width, int height) {
  /** The statistics pass samples with PNDM unless told otherwise: the authors' pipeline does. */
  public static final SchedulerKind DEFAULT_SCHEDULER = SchedulerKind.PNDM;

  public StatsSettings {
    if (timesteps < 1) throw new UserError("--timesteps (t̂) must be >= 1, got " + timesteps);
    if (steps < 1) throw new UserError("--steps must be >= 1, got " + steps);
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
    return m;
  }
}
