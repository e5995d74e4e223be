package org.conceptprune.prune;

/** Which neurons a mask selects among the per-row top-k of S* (ALGORITHM.md §4). */
public enum Variant {
  /** j in Top_k(i) and S*[i,j] > S[i,j]: the concept's skilled neurons, the ones pruned. */
  SKILLED("skilled"),
  /** j in Top_k(i) and S*[i,j] < S[i,j]: the paper's disentanglement control (Fig. 3). */
  UNSKILLED("unskilled");

  public final String cliName;

  Variant(String cliName) {
    this.cliName = cliName;
  }

  /** The CLI's {@code --unskilled} flag as a variant. */
  public static Variant of(boolean unskilled) {
    return unskilled ? UNSKILLED : SKILLED;
  }

  /** Whether a top-k weight with target score sT and reference score sR is selected (strict). */
  boolean selects(double sT, double sR) {
    return this == SKILLED ? sT > sR : sT < sR;
  }
}
