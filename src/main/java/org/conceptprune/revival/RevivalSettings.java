package org.conceptprune.revival;

import org.conceptprune.util.UserError;

/**
 * The constants of the attack (REVIVAL.md, "Parameters").
 *
 * @param topRatio r: the fraction of completed locations whose sign is kept, in (0, 1]
 * @param magnitude how a revived weight is sized
 * @param seed of the one torch CPU generator that runs across all layers
 * @param iterations the completion's iteration cap
 * @param tolerance the completion stops when δ_k falls below it
 */
public record RevivalSettings(double topRatio, Magnitude magnitude, long seed, int iterations, double tolerance) {
  public static final RevivalSettings PAPER = new RevivalSettings(0.6, Magnitude.MAX, 2021, 500, 1e-5);

  public RevivalSettings {
    if (!(topRatio > 0 && topRatio <= 1)) throw new UserError("--top-ratio must be in (0, 1], got " + topRatio);
    if (magnitude == null) throw new UserError("no magnitude mode (max, ave, sample)");
    if (iterations < 1) throw new UserError("--completion-iterations must be at least 1, got " + iterations);
    if (!(tolerance >= 0)) throw new UserError("--tolerance must be >= 0, got " + tolerance);
  }
}
