package org.conceptprune.revival;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link RevivalJob#run} wrote.
 *
 * @param locations "zeros", or the patch the locations came from
 * @param layers one per ff.net.2 weight, in the spec's order
 */
public record RevivalResult(Path out, Path report, String locations, List<LayerReport> layers, double seconds) {
  public long totalLocations() {
    return layers.stream().mapToLong(LayerReport::locations).sum();
  }

  public long totalFilled() {
    return layers.stream().mapToLong(LayerReport::filled).sum();
  }
}
