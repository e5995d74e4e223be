package org.conceptprune.toy;

/**
 * The toy erasure recipe's settings, written once: {@code toy eval}, {@code toy masks},
 * {@code evaluate --experiment toy} and {@code demo} draw the same images and masks from them.
 */
public final class ToyDefaults {
  private ToyDefaults() {}

  /** DDIM steps of every toy generation and statistics pass. */
  public static final int STEPS = 20;
  /** Classifier-free guidance of every toy generation. */
  public static final double GUIDANCE = 4.0;
  /** k of the toy's ConceptPrune masks. */
  public static final double K = 0.05;
  /** t̂: UNet calls whose activations the statistics keep. */
  public static final int T_HAT = 10;
  /** Images per prompt variant asking for an erased concept ({@code evaluate --experiment toy}). */
  public static final int IMAGES_PER_CONCEPT = 2;

  /** The sweep of the first concept ({@code toy eval --sweep}, {@code demo}): k and t̂. */
  public static final java.util.List<Double> SWEEP_K = java.util.List.of(0.01, 0.02, 0.05, 0.1);
  public static final java.util.List<Integer> SWEEP_T = java.util.List.of(5, 10);

  /** The seed of a concept's statistics pass. */
  public static long statsSeed(long seed) {
    return seed + 100;
  }

  /** The seed of the random-pruning control (as many weights per layer as the mask). */
  public static long randomMaskSeed(long seed) {
    return seed + 11;
  }

  /** The seed of the random-weights ablation (as many weights as ff.net.2 over the transformer Linear layers). */
  public static long ablationSeed(long seed) {
    return seed + 7;
  }

  /** The seed of the images asking for an erased concept. */
  public static long askingSeed(long seed) {
    return seed + 31;
  }

  /** The seed of the sample of (object, style) pairs every model draws for "the others kept" ({@code --others-sample}). */
  public static long othersSeed(long seed) {
    return seed + 47;
  }

  /** The seed of the demo's attacked prompts (prompt i: this + i). */
  public static long attackSeed(long seed) {
    return seed + 53;
  }
}
