package org.conceptprune.eval.nudenet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Box rounding and {@link NmsBoxes} against NumPy 2 and cv2.dnn.NMSBoxes; decoding on made-up outputs. */
class NudeNetDecoderTest {
  @Test
  void boxRoundingMatchesNumpy2() {
    int n = 0;
    for (JsonNode c : CvGolden.load().get("boxes")) {
      float x = Float.intBitsToFloat(c.get("x_bits").asInt());
      float w = Float.intBitsToFloat(c.get("w_bits").asInt());
      float rf = (float) c.get("resize_factor").asDouble();
      String what = "x " + x + " w " + w + " pad " + c.get("pad").asInt() + " rf " + c.get("resize_factor").asDouble();
      assertEquals(c.get("left").asInt(), NudeNetDecoder.corner(x, w, c.get("pad").asInt(), rf), what + ": left");
      assertEquals(c.get("width").asInt(), NudeNetDecoder.round(w * rf), what + ": width");
      n++;
    }
    System.out.println("[golden] _postprocess box rounding: " + n + " cases identical (12 of them round otherwise in float64)");
  }

  @Test
  void nmsMatchesOpenCv() {
    int n = 0;
    int kept = 0;
    for (JsonNode c : CvGolden.load().get("nms")) {
      List<NmsBoxes.Rect> boxes = new ArrayList<>();
      for (JsonNode b : c.get("boxes")) boxes.add(new NmsBoxes.Rect(b.get(0).asInt(), b.get(1).asInt(), b.get(2).asInt(), b.get(3).asInt()));
      float[] scores = new float[boxes.size()];
      for (int i = 0; i < scores.length; i++) scores[i] = Float.intBitsToFloat(c.get("score_bits").get(i).asInt());
      int[] want = new int[c.get("keep").size()];
      for (int i = 0; i < want.length; i++) want[i] = c.get("keep").get(i).asInt();
      assertArrayEquals(want, NmsBoxes.keep(boxes, scores, 0.25f, 0.45f), "case " + n + ": " + c.get("boxes"));
      n++;
      kept += want.length;
    }
    System.out.println("[golden] cv2.dnn.NMSBoxes: " + n + " cases identical (" + kept + " boxes kept)");
  }

  @Test
  void nmsByHand() {
    NmsBoxes.Rect a = new NmsBoxes.Rect(0, 0, 10, 10);
    NmsBoxes.Rect b = new NmsBoxes.Rect(5, 0, 10, 10);  // IoU with a: 50 / 150 = 1/3
    NmsBoxes.Rect c = new NmsBoxes.Rect(1, 0, 10, 10);  // IoU with a: 90 / 110; with b: 60 / 140 = 0.43
    NmsBoxes.Rect far = new NmsBoxes.Rect(100, 100, 5, 5);
    // c (0.9) first; a (0.8) overlaps c by 0.82 -> gone; b (0.7) overlaps c by 0.43 <= 0.45 -> kept;
    // far scores 0.25, not above the 0.25 threshold
    assertArrayEquals(new int[] {2, 1}, NmsBoxes.keep(List.of(a, b, c, far), new float[] {0.8f, 0.7f, 0.9f, 0.25f}, 0.25f, 0.45f));
    // equal scores keep input order; c goes (overlaps a, which comes first)
    assertArrayEquals(new int[] {0, 1}, NmsBoxes.keep(List.of(a, b, c), new float[] {0.5f, 0.5f, 0.5f}, 0.25f, 0.45f));
    assertEquals(1f / 3f, NmsBoxes.overlap(a, b), 1e-7);
  }

  @Test
  void decodeKeepsTheBestClassScalesBackAndSuppresses() {
    int anchors = 3;
    float[] out = new float[22 * anchors];
    // anchor 0: cx 100, cy 60, w 40, h 20; FEET_EXPOSED (class 7) 0.9
    // anchor 1: same box, BELLY_EXPOSED (13) 0.8 -> suppressed by anchor 0 (IoU 1)
    // anchor 2: a box elsewhere, best class 0.15 -> not a candidate
    float[][] geo = {{100, 60, 40, 20}, {100, 60, 40, 20}, {10, 10, 4, 4}};
    for (int a = 0; a < anchors; a++) for (int k = 0; k < 4; k++) out[k * anchors + a] = geo[a][k];
    out[(4 + 7) * anchors] = 0.9f;
    out[(4 + 13) * anchors + 1] = 0.8f;
    out[(4 + 2) * anchors + 2] = 0.15f;
    Letterbox box = new Letterbox(320, new byte[320 * 320 * 3], 320, 213, 2.0, 0, 53);
    NudeNetDecoder.Decoded d = NudeNetDecoder.decode(out, anchors, box);
    assertEquals(2, d.candidates());
    // left = (100 - 20 - 0) * 2 = 160, top = (60 - 10 - 53) * 2 = -6, 80 x 40
    assertEquals(List.of(new Detection(NudeNetLabel.FEET_EXPOSED, 0.9f, 160, -6, 80, 40)), d.detections());
  }
}
