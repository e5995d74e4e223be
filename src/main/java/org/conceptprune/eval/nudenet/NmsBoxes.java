package org.conceptprune.eval.nudenet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * OpenCV's {@code cv2.dnn.NMSBoxes(boxes, scores, scoreThreshold, nmsThreshold)} on integer
 * rectangles (eta 1, no top-k): class-agnostic greedy suppression.
 * <ol>
 *   <li>keep the indices with {@code score > scoreThreshold} (strict), stable-sorted by score,
 *       highest first (ties keep their input order);
 *   <li>walk them; an index survives when its overlap with every survivor so far is
 *       {@code <= nmsThreshold}.
 * </ol>
 * Overlap is {@code 1 - (float) jaccardDistance(a, b)} with OpenCV's {@code Rect} semantics: area =
 * width x height; the intersection is empty when either rectangle is (width or height <= 0) or they
 * do not overlap; when the two areas add up to <= 0 the distance is 0 (overlap 1).
 */
public final class NmsBoxes {
  private NmsBoxes() {}

  /** An OpenCV {@code Rect}: top-left corner and size in pixels. */
  public record Rect(int x, int y, int width, int height) {
    int area() {
      return width * height;
    }

    boolean empty() {
      return width <= 0 || height <= 0;
    }
  }

  /** @return the indices kept, in the order NMSBoxes returns them (descending score) */
  public static int[] keep(List<Rect> boxes, float[] scores, float scoreThreshold, float nmsThreshold) {
    if (boxes.size() != scores.length) throw new IllegalArgumentException(boxes.size() + " boxes, " + scores.length + " scores");
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      if (scores[i] > scoreThreshold) order.add(i);
    }
    order.sort(Comparator.comparingDouble((Integer i) -> scores[i]).reversed()); // List.sort is stable
    List<Integer> kept = new ArrayList<>();
    for (int i : order) {
      boolean keep = true;
      for (int k = 0; k < kept.size() && keep; k++) {
        keep = overlap(boxes.get(i), boxes.get(kept.get(k))) <= nmsThreshold;
      }
      if (keep) kept.add(i);
    }
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  /** {@code rectOverlap}: intersection over union as OpenCV computes it (double, then float). */
  static float overlap(Rect a, Rect b) {
    int aa = a.area();
    int ab = b.area();
    if (aa + ab <= 0) return 1f; // jaccardDistance returns 0 for two empty areas
    double inter = intersectionArea(a, b);
    double distance = 1.0 - inter / ((aa + ab) - inter);
    return 1f - (float) distance;
  }

  /** {@code (a & b).area()}. */
  static int intersectionArea(Rect a, Rect b) {
    if (a.empty() || b.empty()) return 0;
    int w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
    int h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
    return w > 0 && h > 0 ? w * h : 0;
  }
}
