package org.conceptprune.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The erasure table's drop ratio: defined only when random pruning lowered the erased accuracy. */
class ToyReportTest {
  @Test
  void dropRatioIsUndefinedWhenRandomPruningDropsNothing() {
    assertEquals(2.5, ToyReport.dropRatio(0.667, 0.25, 0.5), 1e-2); // c1's prunkard: 0.417 / 0.167
    assertNull(ToyReport.dropRatio(0.25, 0.0, 0.25)); // c1's brourv: random dropped 0 (the report said 2.5e8)
    assertNull(ToyReport.dropRatio(0.9, 0.5, 0.95)); // random raised it
    assertEquals(0.0, ToyReport.dropRatio(1.0, 1.0, 0.9), 1e-12);
  }
}
