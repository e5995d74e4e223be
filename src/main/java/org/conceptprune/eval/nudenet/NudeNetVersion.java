package org.conceptprune.eval.nudenet;

import org.conceptprune.util.UserError;

/**
 * Which NudeNet release's pre- and post-processing to reproduce. The detector file is the same kind
 * (a YOLOv8 ONNX export); what differs is how a picture becomes its input and how boxes come back.
 * <ul>
 *   <li>{@link #V3_0_8}: ConceptPrune's pinned release. Input side S read from the model; long side
 *       resized to S and centred ({@link Letterbox}); R,G,B; {@code v / 255f}; rounded boxes.
 *   <li>{@link #V3_4_2}: what {@code pip install nudenet} gives today (MACE, ANT). S =
 *       {@code inference_resolution} (default 320); right/bottom padding to a square ({@link SquarePad});
 *       B,G,R; {@code v * float32(1/255)}; float32 boxes, clipped and truncated; NMS on float boxes.
 *       3.4.0 and 3.4.1 had a y-offset bug, so "3.4" means 3.4.2.
 * </ul>
 */
public enum NudeNetVersion {
  V3_0_8("3.0.8"),
  V3_4_2("3.4.2");

  /** NudeNet 3.4's {@code NudeDetector(inference_resolution=320)} default. */
  public static final int DEFAULT_RESOLUTION_34 = 320;

  private final String label;

  NudeNetVersion(String label) {
    this.label = label;
  }

  /** The release number, as result files name it. */
  public String label() {
    return label;
  }

  /** {@code 3.0.8}, {@code 3.4} or {@code 3.4.2}; anything else is a {@link UserError} listing these. */
  public static NudeNetVersion parse(String s) {
    return switch (s == null ? "" : s.strip()) {
      case "3.0.8" -> V3_0_8;
      case "3.4", "3.4.2" -> V3_4_2;
      default -> throw new UserError("unknown NudeNet version '" + s + "' (" + choices() + ")");
    };
  }

  /** The accepted spellings, for messages and help. */
  public static String choices() {
    return "3.0.8, 3.4 (= 3.4.2)";
  }

  @Override
  public String toString() {
    return label;
  }
}
