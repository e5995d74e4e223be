package org.conceptprune.experiment;

import java.util.Map;

/**
 * What the evaluators say of one image: numbers (a CLIP score, 1/0 for "judged as the concept") and
 * labels (the judge's class). This is the metric state: per-image records that shards write and
 * {@code --merge} joins; every table is computed from them.
 */
public record ImageScore(String model, int row, Map<String, Double> values, Map<String, String> labels) {
  public ImageScore {
    values = Map.copyOf(values);
    labels = Map.copyOf(labels);
  }
}
