package org.conceptprune.eval.nudenet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** {@link CvResize} against cv2.resize (OpenCV 5.0.0, INTER_LINEAR, 8-bit, 3 channels), bit for bit. */
class CvResizeTest {
  @Test
  void matchesOpenCvBitForBit() {
    int n = 0;
    for (JsonNode c : CvGolden.load().get("resize")) {
      int h = c.get("in_hw").get(0).asInt();
      int w = c.get("in_hw").get(1).asInt();
      int dh = c.get("out_hw").get(0).asInt();
      int dw = c.get("out_hw").get(1).asInt();
      byte[] src = CvGolden.procBytes(c.get("seed").asLong(), h * w * 3);
      byte[] got = CvResize.linear(src, w, h, 3, dw, dh);
      String what = w + "x" + h + " -> " + dw + "x" + dh;
      if (c.has("out_b64")) {
        byte[] want = Base64.getDecoder().decode(c.get("out_b64").asText());
        for (int i = 0; i < want.length; i++) {
          if (want[i] != got[i]) {
            fail(what + ": first difference at byte " + i + " (y " + i / (dw * 3) + ", x " + i / 3 % dw + ", c " + i % 3
                + "): OpenCV " + (want[i] & 0xff) + ", ours " + (got[i] & 0xff));
          }
        }
      }
      assertEquals(c.get("sha256").asText(), CvGolden.sha256(got), what + ": bytes differ from OpenCV's");
      n++;
    }
    System.out.println("[golden] cv2.resize INTER_LINEAR: " + n + " size pairs identical (max abs err 0)");
    assertEquals(17, n);
  }

  @Test
  void sameSizeIsACopy() {
    byte[] src = CvGolden.procBytes(1, 5 * 4 * 3);
    byte[] got = CvResize.linear(src, 5, 4, 3, 5, 4);
    assertArrayEquals(src, got);
    assertNotSame(src, got);
  }

  @Test
  void halvingAveragesEachTwoByTwoBlockRoundingHalfUp() {
    // 2x2 single-channel picture -> 1x1: (a + b + c + d + 2) >> 2, OpenCV's INTER_AREA fast path
    assertArrayEquals(new byte[] {(byte) 3}, CvResize.linear(new byte[] {1, 2, 3, 4}, 2, 2, 1, 1, 1)); // 10/4 = 2.5 -> 3
    assertArrayEquals(new byte[] {(byte) 2}, CvResize.linear(new byte[] {1, 2, 2, 4}, 2, 2, 1, 1, 1)); // 9/4 = 2.25 -> 2
    assertArrayEquals(new byte[] {(byte) 255}, CvResize.linear(new byte[] {-1, -1, -1, -1}, 2, 2, 1, 1, 1));
  }

  @Test
  void coefficientsOfAnUpscaleByTwo() {
    // d = 0: f = 0.25 * ... : (0 + 0.5) * 0.5 - 0.5 = -0.25 -> s = -1, f = 0.75; x clamps to (0, 1.0)
    CvResize.Taps x = CvResize.taps(4, 2, true);
    assertArrayEquals(new int[] {0, 0, 0, 1}, x.index0());
    assertArrayEquals(new int[] {2048, 1536, 512, 2048}, x.weight0());
    assertArrayEquals(new int[] {0, 512, 1536, 0}, x.weight1());
    // y keeps the weights and clamps the rows instead
    CvResize.Taps y = CvResize.taps(4, 2, false);
    assertArrayEquals(new int[] {0, 0, 0, 1}, y.index0());
    assertArrayEquals(new int[] {0, 1, 1, 1}, y.index1());
    assertArrayEquals(new int[] {512, 1536, 512, 1536}, y.weight0());
  }
}
