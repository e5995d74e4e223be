package org.conceptprune.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import org.conceptprune.schedule.SchedulerKind;

/**
 * How images are sampled: a row's own seed and guidance win over {@code seed} (then seed + row
 * index) and {@code guidance}.
 *
 * @param scheduler null for the model's own
 * @param width, height 0 for the model's default
 */
public record GenerationSettings(int steps, double guidance, SchedulerKind scheduler, int width, int height, long seed) {
  public static GenerationSettings sd() {
    return new GenerationSettings(50, 7.5, null, 0, 0, 0);
  }

  public long seedOf(PromptRow r) {
    return r.seed() != null ? r.seed() : seed + r.index();
  }

  public double guidanceOf(PromptRow r) {
    return r.guidance() != null ? r.guidance() : guidance;
  }

  /** What decides the pixels, for the manifest (a rerun must use the same). */
  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("steps", Integer.toString(steps));
    m.put("guidance", Double.toString(guidance));
    m.put("scheduler", scheduler == null ? "model" : scheduler.cliName());
    m.put("width", Integer.toString(width));
    m.put("height", Integer.toString(height));
    m.put("seed", Long.toString(seed));
    return m;
  }
}
