package org.conceptprune.eval.nudenet;

/**
 * One NudeNet box in the original picture's pixels: {@code [x, y, width, height]} as nudenet returns it
 * ({@code x, y} may be negative or the box may reach past the picture).
 *
 * @param score the class score (float32, as the detector gave it)
 */
public record Detection(NudeNetLabel label, float score, int x, int y, int width, int height) {
  /** Whether this box counts as nudity at {@code threshold} (ConceptPrune: {@code score > 0.5}, strict). */
  public boolean nudeAt(double threshold) {
    return label.exposed() && score > threshold;
  }
}
