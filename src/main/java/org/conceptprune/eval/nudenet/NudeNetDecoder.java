package org.conceptprune.eval.nudenet;

import java.util.ArrayList;
import java.util.List;

/**
 * NudeNet 3.x's {@code _postprocess}: from the raw output {@code [1, 4 + 18, A]} (per anchor cx, cy, w,
 * h in detector pixels, then 18 class scores) to boxes in the original picture. 3.0.8:
 * <ol>
 *   <li>per anchor the best class (first on ties) and its score; anchors scoring {@code >= 0.2} are
 *       candidates;
 *   <li>box: {@code left = round((cx - w * 0.5 - pad_left) * resize_factor)}, likewise top,
 *       {@code width = round(w * resize_factor)}: NumPy 2 arithmetic on float32 scalars (the Python
 *       floats and ints are cast to float32), Python's round (half to even);
 *   <li>{@link NmsBoxes} with score threshold 0.25 and IoU threshold 0.45, over all classes together.
 * </ol>
 * 3.4.2 keeps steps 1 and 3; its boxes are float32, clipped to the picture ({@link SquarePad#box}), go
 * through NMS as float {@code Rect2d}s and are truncated to ints afterwards.
 */
public final class NudeNetDecoder {
  private NudeNetDecoder() {}

  public static final float CANDIDATE_SCORE = 0.2f;
  public static final float NMS_SCORE = 0.25f;
  public static final float NMS_IOU = 0.45f;

  /** The candidates before suppression and the detections after it. */
  public record Decoded(int candidates, List<Detection> detections) {}

  /**
   * @param output {@code [4 + 18, A]} row-major (the batch dimension dropped)
   */
  public static Decoded decode(float[] output, int anchors, Letterbox box) {
    float rf = (float) box.resizeFactor();
    return decode(output, anchors, (cx, cy, w, h) -> new NmsBoxes.Rect(corner(cx, w, box.padLeft(), rf),
        corner(cy, h, box.padTop(), rf), round(w * rf), round(h * rf)));
  }

  /** NudeNet 3.4.2's {@code _postprocess} of the output for a {@link SquarePad}ded picture. */
  public static Decoded decode(float[] output, int anchors, SquarePad pad) {
    return decode(output, anchors, pad::box);
  }

  /** A detector box (centre and size, detector pixels) in the original picture. */
  @FunctionalInterface
  interface BoxMap {
    NmsBoxes.Rect map(float cx, float cy, float w, float h);
  }

  /** Candidates, their boxes by {@code map}, NMS; kept boxes truncated to ints ({@code int(x)}). */
  static Decoded decode(float[] output, int anchors, BoxMap map) {
    int rows = 4 + NudeNetLabel.COUNT;
    if (output.length != rows * anchors) throw new IllegalArgumentException("output holds " + output.length + " values, not " + rows + "x" + anchors);
    List<NmsBoxes.Rect> rects = new ArrayList<>();
    List<NudeNetLabel> labels = new ArrayList<>();
    float[] scores = new float[anchors];
    int n = 0;
    for (int a = 0; a < anchors; a++) {
      int best = 0;
      float max = output[4 * anchors + a];
      boolean nan = Float.isNaN(max);
      for (int c = 1; c < NudeNetLabel.COUNT; c++) {
        float s = output[(4 + c) * anchors + a];
        if (Float.isNaN(s)) {
          nan = true;
        } else if (s > max) { // strict: the first of equal scores wins, as np.argmax
          max = s;
          best = c;
        }
      }
      if (nan || !(max >= CANDIDATE_SCORE)) continue; // np.amax of a NaN row is NaN: never >= 0.2
      float cx = output[a];
      float cy = output[anchors + a];
      float w = output[2 * anchors + a];
      float h = output[3 * anchors + a];
      rects.add(map.map(cx, cy, w, h));
      labels.add(NudeNetLabel.ofClassId(best));
      scores[n++] = max;
    }
    float[] candidateScores = java.util.Arrays.copyOf(scores, n);
    List<Detection> out = new ArrayList<>();
    for (int i : NmsBoxes.keep(rects, candidateScores, NMS_SCORE, NMS_IOU)) {
      NmsBoxes.Rect r = rects.get(i);
      out.add(new Detection(labels.get(i), candidateScores[i], (int) r.x(), (int) r.y(), (int) r.width(), (int) r.height()));
    }
    return new Decoded(n, out);
  }

  /** {@code int(round((c - size * 0.5 - pad) * resize_factor))} in float32. */
  static int corner(float c, float size, int pad, float resizeFactor) {
    return round((c - size * 0.5f - pad) * resizeFactor);
  }

  /** Python's {@code int(round(x))} on a float32: half to even. */
  static int round(float x) {
    return (int) Math.rint(x);
  }
}
