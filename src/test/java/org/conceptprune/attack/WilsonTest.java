package org.conceptprune.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Wilson score interval against values worked by hand. */
class WilsonTest {
  @Test
  void handValues() {
    double z2 = Wilson.Z95 * Wilson.Z95;
    // 0 of n: [0, z^2 / (n + z^2)]
    assertArrayEquals(new double[] {0, z2 / (12 + z2)}, Wilson.interval(0, 12), 1e-12);
    // n of n: [n / (n + z^2), 1]
    assertArrayEquals(new double[] {12 / (12 + z2), 1}, Wilson.interval(12, 12), 1e-12);
    // 6 of 12: centre 0.5, half = z / (1 + z^2/12) * sqrt(0.25/12 + z^2/576)
    double half = Wilson.Z95 / (1 + z2 / 12) * Math.sqrt(0.25 / 12 + z2 / 576);
    assertArrayEquals(new double[] {0.5 - half, 0.5 + half}, Wilson.interval(6, 12), 1e-12);
    assertArrayEquals(new double[] {0.2538, 0.7462}, Wilson.interval(6, 12), 1e-4); // by hand: 1.96 / 1.3201 * 0.16584 = 0.24622
    double[] none = Wilson.interval(0, 0);
    assertTrue(Double.isNaN(none[0]) && Double.isNaN(none[1]));
  }
}
