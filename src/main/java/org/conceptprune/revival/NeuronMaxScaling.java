package org.conceptprune.revival;

import org.conceptprune.pipeline.TorchRandom;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.util.UserError;

/**
 * Step 3 of REVIVAL.md: each location gets a magnitude from its row's surviving weights w and the
 * sign of S (or, for the upper bound, of the original weight). Per row i with c locations:
 *
 * <pre>
 *   μ, σ = mean(w), population std(w) in float32 (σ = 1e-8 when 0)
 *   noise = torch.randn(c, generator=G)          drawn in every mode
 *   sample_j = float32(float32(noise_j · σ) + μ)
 *   max:    mag_j = max(|sample_j|, float32(rowmax + max(1e-12, rowmax · 1e-6))), rowmax = max|w|
 *   ave:    mag_j = mean|w|
 *   sample: mag_j = |sample_j|
 *   W'[i, j] = mag_j · sign(S[i, j])              sign(±0) = 0, so dropped locations stay +0.0
 * </pre>
 */
public final class NeuronMaxScaling {
  private NeuronMaxScaling() {}

  /** @param w [m, n]: W with the locations replaced; filled = locations given a non-zero value */
  public record Scaled(float[] w, long filled, long draws) {}

  /**
   * @param signs [m, n]: S from sign retention, or the original weight W₀
   * @param g the generator that runs on across rows and layers
   */
  public static Scaled scale(LayerWeight weight, LayerMask locations, float[] signs, Magnitude mode, TorchRandom g) {
    int m = weight.out();
    int n = weight.in();
    float[] w = weight.w();
    float[] out = w.clone();
    long filled = 0;
    long draws = 0;
    int[] cols = new int[n];
    float[] kept = new float[n]; // the row's surviving weights, in column order (as W[i][mask] gives them)
    float[] keptAbs = new float[n];
    for (int i = 0; i < m; i++) {
      int c = 0;
      int nk = 0;
      float rowMax = 0;
      for (int j = 0; j < n; j++) {
        int p = i * n + j;
        if (locations.get(p)) {
          cols[c++] = j;
        } else {
          kept[nk] = w[p];
          keptAbs[nk++] = Math.abs(w[p]);
          rowMax = Math.max(rowMax, Math.abs(w[p]));
        }
      }
      if (c == 0) continue;
      // nk > 0: checked by requireSurvivors before any work. μ as torch's float32 mean(); σ as its std over all
      // elements (std_var_all_cpu: squares about the float mean summed in double, sqrt in double, then float).
      float mu = TorchSum.mean(kept, nk);
      double sq = 0;
      for (int q = 0; q < nk; q++) sq += (kept[q] - (double) mu) * (kept[q] - (double) mu);
      float sigma = (float) Math.sqrt(sq / nk);
      if (sigma == 0f) sigma = 1e-8f;
      float[] noise = g.normal(c);
      draws += c;
      float h = (float) (rowMax + Math.max(1e-12, rowMax * 1e-6));
      float ave = TorchSum.mean(keptAbs, nk);
      for (int q = 0; q < c; q++) {
        int p = i * n + cols[q];
        float sample = Math.abs(noise[q] * sigma + mu);
        float mag = switch (mode) {
          case MAX -> Math.max(sample, h);
          case AVE -> ave;
          case SAMPLE -> sample;
        };
        float s = signs[p];
        float sign = s > 0 ? 1f : s < 0 ? -1f : 0f;
        out[p] = mag * sign;
        if (out[p] != 0f) filled++;
      }
    }
    return new Scaled(out, filled, draws);
  }

  /** Refuses a row whose every entry is a location: it has no statistics (the repo takes NaN, and max crashes). */
  public static void requireSurvivors(String layer, LayerWeight weight, LayerMask locations) {
    int n = weight.in();
    for (int i = 0; i < weight.out(); i++) {
      boolean allLocations = n > 0;
      for (int j = 0; j < n && allLocations; j++) allLocations = locations.get(i * n + j);
      if (allLocations) {
        throw new UserError(layer + ": row " + i + " has no surviving weight (all " + n
            + " entries are locations), so its magnitude statistics are undefined; revival refuses this layer");
      }
    }
  }
}
