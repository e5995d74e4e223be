package org.conceptprune.prune;

/** One Linear weight, row-major: w [out, in] (rows = outputs). */
public record LayerWeight(float[] w, int out, int in) {
  public LayerWeight {
    if ((long) out * in != w.length) {
      throw new IllegalArgumentException("weight has " + w.length + " values, not [" + out + ", " + in + "]");
    }
  }
}
