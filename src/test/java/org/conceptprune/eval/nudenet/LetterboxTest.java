package org.conceptprune.eval.nudenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import org.conceptprune.eval.image.RgbImage;
import org.junit.jupiter.api.Test;

/** {@link Letterbox} against NudeNet's {@code _read_image} run with OpenCV 5.0 (bytes before the /255). */
class LetterboxTest {
  @Test
  void matchesReadImageAt320And640() {
    int n = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = CvGolden.load().get("read_image").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String[] parts = e.getKey().split("@");
      int size = Integer.parseInt(parts[1]);
      JsonNode g = e.getValue();
      RgbImage img = RgbImage.read(CvGolden.dir().resolve("images").resolve(parts[0]));
      Letterbox box = Letterbox.of(img, size);
      String what = e.getKey();
      assertEquals(g.get("new_wh").get(0).asInt(), box.resizedWidth(), what + " width");
      assertEquals(g.get("new_wh").get(1).asInt(), box.resizedHeight(), what + " height");
      assertEquals(g.get("resize_factor").asDouble(), box.resizeFactor(), 0.0, what + " resize_factor");
      assertEquals(g.get("pad_left").asInt(), box.padLeft(), what + " pad_left");
      assertEquals(g.get("pad_top").asInt(), box.padTop(), what + " pad_top");
      byte[] resized = CvResize.linear(img.rgb(), img.width(), img.height(), 3, box.resizedWidth(), box.resizedHeight());
      assertEquals(g.get("resized_sha256").asText(), CvGolden.sha256(resized), what + ": aspect resize bytes");
      assertEquals(g.get("input_sha256").asText(), CvGolden.sha256(box.rgb()), what + ": detector input bytes");
      n++;
    }
    System.out.println("[golden] nudenet _read_image: " + n + " picture/size pairs, bytes identical, resize_factor exact");
    assertEquals(8, n);
  }

  @Test
  void nchwIsBytesOver255PerPlane() {
    byte[] rgb = new byte[2 * 2 * 3];
    for (int i = 0; i < rgb.length; i++) rgb[i] = (byte) (i * 20 + 15);
    Letterbox box = Letterbox.of(new RgbImage(2, 2, rgb), 2); // same size: no resize, no padding
    float[] x = box.nchw();
    assertEquals(15 / 255f, x[0]);           // R of pixel 0
    assertEquals((3 * 20 + 15) / 255f, x[1]); // R of pixel 1
    assertEquals(35 / 255f, x[4]);           // G of pixel 0
    assertEquals((11 * 20 + 15) / 255f, x[11]); // B of pixel 3
  }

  @Test
  void refusesAPictureThatWouldShrinkToNothing() {
    RgbImage strip = new RgbImage(1000, 1, new byte[3000]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Letterbox.of(strip, 320));
    assertEquals("a 1000x1 picture would shrink to 320x0 pixels at the detector's size 320", e.getMessage());
  }
}
