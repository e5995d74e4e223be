package org.conceptprune.eval.nudenet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * OpenCV's {@code cv2.dnn.NMSBoxes(boxes, scores, scoreThreshold, nmsThreshold)} (eta 1, no top-k):
 * class-agnostic greedy suppression, on integer {@code Rect}s (NudeNet 3.0.8) or float {@code Rect2d}s
 * (NudeNet 3.4.2); integers held as doubles give the {@code Rect} results exactly.
 * <ol>
 *   <li>keep the indices with {@code score > scoreThreshold} (strict), stable-sorted by score,
 *       highest first (ties keep their input order);
 *   <li>walk them; an index survives when its overlap with every survivor so far is
 *       {@code <= nmsThreshold}.
 * </ol>
 * Overlap is {@code 1 - (float) jaccardDistance(a, b)} with OpenCV's {@code Rect} semantics: area =
 * width x height; the intersection is empty when either rectangle is (width or height <= 0) or they
 * do not overlap; when the two areas add up to <= 0 ({@code Rect2d}: {@code <= DBL_EPSILON}) the
 * distance is 0 (overlap 1: two empty boxes suppress each other).
 */
public final class NmsBoxes {
  private NmsBoxes() {}

  /** An OpenCV {@code Rect} / {@code Rect2d}: top-left corner and size in pixels. */
  public record Rect(double x, double y, double width, double height) {
    double area() {
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
    double aa = a.area();
    double ab = b.area();
    if (aa + ab <= Math.ulp(1.0)) return 1f; // jaccardDistance returns 0 for two empty areas (int Rect: <= 0)
    double inter = intersectionArea(a, b);
    double distance = 1.0 - inter / ((aa + ab) - inter);
    return 1f - (float) distance;
  }

  /**
   * {@code (a & b).area()} as OpenCV 4's {@code operator&=} computes it: the rectangle further left
   * (top) decides, {@code width = min(left.width - (right.x - left.x), right.width)}.
   */
  static double intersectionArea(Rect a, Rect b) {
    if (a.empty() || b.empty()) return 0;
    Rect x0 = a.x < b.x ? a : b;
    Rect x1 = a.x < b.x ? b : a;
    Rect y0 = a.y < b.y ? a : b;
    Rect y1 = a.y < b.y ? b : a;
    double w = Math.min(x0.width - (x1.x - x0.x), x1.width);
    double h = Math.min(y0.height - (y1.y - y0.y), y1.height);
    return w > 0 && h > 0 ? w * h : 0;
  }
}
