package org.conceptprune.revival;

/** What a revival run tells its caller while it works; every method may be left out. */
public interface RevivalListener {
  RevivalListener NONE = new RevivalListener() {};

  /** A layer's turn (index 0-based in the sorted order), before its completion. */
  default void layerStarted(String layer, int index, int layers, int rows, int cols, long locations, int maxIterations) {}

  /** One completion iteration k (1-based) done, with δ_k (+∞ for k = 1). */
  default void iteration(String layer, int k, double delta) {}

  default void layerDone(LayerReport report) {}
}
