package org.conceptprune.eval.nudenet;

/**
 * How to run a NudeNet detector: the release whose processing to reproduce and, optionally, the
 * square input side S.
 *
 * @param inferenceResolution S, or 0 for the version's default (3.0.8: the model's input size; 3.4.2:
 *     320, NudeNet 3.4's {@code inference_resolution} default, whatever the model)
 */
public record NudeNetSettings(NudeNetVersion version, int inferenceResolution) {
  /** NudeNet 3.0.8 with the model's own input size: ConceptPrune's setting and the default. */
  public static final NudeNetSettings DEFAULT = new NudeNetSettings(NudeNetVersion.V3_0_8, 0);

  public NudeNetSettings {
    if (version == null) throw new IllegalArgumentException("no NudeNet version");
    if (inferenceResolution < 0 || inferenceResolution > 8192) {
      throw new org.conceptprune.util.UserError("--inference-resolution must be in 1..8192, got " + inferenceResolution);
    }
  }
}
