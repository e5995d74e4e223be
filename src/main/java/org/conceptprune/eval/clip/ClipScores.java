package org.conceptprune.eval.clip;

import java.util.List;

/**
 * The CLIP equations on plain arrays. Embeddings are rows of length D, as {@code get_image_features} /
 * {@code get_text_features} return them (projected, not normalised).
 */
public final class ClipScores {
  private ClipScores() {}

  /** cos(a, b) = a.b / (|a| |b|), in double; 0 when either vector is zero. */
  public static double cosine(float[] a, float[] b) {
    if (a.length != b.length) throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
    }
    double n = Math.sqrt(aa) * Math.sqrt(bb);
    return n == 0 ? 0 : ab / n;
  }

  /** Row i of a [N, D] array. */
  public static float[] row(float[] m, int d, int i) {
    float[] r = new float[d];
    System.arraycopy(m, i * d, r, 0, d);
    return r;
  }

  /** cos(image i, text i) for each of N pairs: [N]. */
  public static double[] pairedCosine(float[] images, float[] texts, int d) {
    int n = images.length / d;
    if (texts.length != images.length) throw new IllegalArgumentException("need as many texts as images");
    double[] c = new double[n];
    for (int i = 0; i < n; i++) c[i] = cosine(row(images, d, i), row(texts, d, i));
    return c;
  }

  /** torchmetrics' CLIPScore of one pair: max(100 cos, 0). */
  public static double clipScore(double cosine) {
    return Math.max(100 * cosine, 0);
  }

  /** logits_per_image[i][j] = s cos(image i, text j), s = exp(logit_scale): [N, K]. */
  public static double[][] logitsPerImage(float[] images, float[] texts, int d, double scale) {
    int n = images.length / d;
    int k = texts.length / d;
    double[][] l = new double[n][k];
    for (int i = 0; i < n; i++) {
      float[] a = row(images, d, i);
      for (int j = 0; j < k; j++) l[i][j] = scale * cosine(a, row(texts, d, j));
    }
    return l;
  }

  /** softmax(x)_j = exp(x_j - max x) / sum_k exp(x_k - max x). */
  public static double[] softmax(double[] x) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : x) m = Math.max(m, v);
    double[] p = new double[x.length];
    double s = 0;
    for (int j = 0; j < x.length; j++) {
      p[j] = Math.exp(x[j] - m);
      s += p[j];
    }
    for (int j = 0; j < x.length; j++) p[j] /= s;
    return p;
  }

  /** The index of the largest value (the first one on ties, as torch.argmax). */
  public static int argmax(double[] x) {
    int best = 0;
    for (int j = 1; j < x.length; j++) if (x[j] > x[best]) best = j;
    return best;
  }

  /** Prompt i for image i: N prompts, or one repeated; null without prompts. */
  public static List<String> paired(List<String> prompts, int n) {
    if (prompts == null) return null;
    if (prompts.size() == n) return prompts;
    if (prompts.size() == 1) return java.util.Collections.nCopies(n, prompts.get(0));
    throw new org.conceptprune.util.UserError(n + " image(s) but " + prompts.size() + " prompts: give one prompt per image (image i is scored"
        + " against prompt i) or a single prompt for all");
  }
}
