package org.conceptprune.attack;

import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.Pruner;

/**
 * The base model and the model under attack: two loaded models (a pruned or otherwise edited
 * folder), or one model with a mask that is applied while the attacked model is in use and restored
 * for the base model. Not thread-safe: one caller switches between the two.
 */
public final class ModelPair implements AutoCloseable {
  private final StableDiffusion base;
  private final StableDiffusion attacked;
  private final MaskSet mask;
  private final boolean ownsAttacked;
  private Pruner.Applied applied;

  private ModelPair(StableDiffusion base, StableDiffusion attacked, MaskSet mask, boolean ownsAttacked) {
    this.base = base;
    this.attacked = attacked;
    this.mask = mask;
    this.ownsAttacked = ownsAttacked;
  }

  /** The base model with a mask zeroed on top for the attacked model (null: attack the base model itself). */
  public static ModelPair masked(StableDiffusion base, MaskSet mask) {
    return new ModelPair(base, base, mask, false);
  }

  /** Two models; the pair closes the attacked one, the caller the base. */
  public static ModelPair of(StableDiffusion base, StableDiffusion attacked) {
    return new ModelPair(base, attacked, null, attacked != base);
  }

  /** The base model (the mask, if any, restored). */
  public StableDiffusion base() {
    if (applied != null) {
      applied.close();
      applied = null;
    }
    return base;
  }

  /** The attacked model (the mask, if any, applied). */
  public StableDiffusion attacked() {
    if (mask != null && applied == null) applied = Pruner.apply(base.unet, mask);
    return attacked;
  }

  @Override
  public void close() {
    base();
    if (ownsAttacked) attacked.close();
  }
}
