package org.conceptprune.eval.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Locale;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.junit.jupiter.api.Test;

/**
 * PIL's resize + the centre crops + normalisation against the pixel_values that torchvision's
 * IMAGENET1K_V2 transform and transformers' CLIPImageProcessor computed for the four fixture PNGs.
 */
class PilResizeGoldenTest {
  private static final int N = 4;
  private static final int HW = 224 * 224;

  @Test
  void imagenetTransformsMatchTorchvision() {
    float[] golden = golden("resnet50-golden.safetensors");
    float[] ours = new float[golden.length];
    for (int i = 0; i < N; i++) System.arraycopy(ImageNetTransforms.apply(image(i)), 0, ours, i * 3 * HW, 3 * HW);
    double steps = maxUint8Steps("imagenet", golden, ours, ImageNetTransforms.STD);
    assertEquals(0, steps, 1e-3, "resize/crop differ from torchvision by " + steps + " uint8 steps");
    Check.close("imagenet pixel_values", golden, ours, 1e-6);
  }

  @Test
  void clipBicubicPathMatchesTransformers() throws IOException {
    JsonNode cfg = new ObjectMapper().readTree(Files.readString(
        Fixtures.path("fixtures/eval/clip-model/preprocessor_config.json")));
    float[] mean = floats(cfg.get("image_mean"));
    float[] std = floats(cfg.get("image_std"));
    double rescale = cfg.get("rescale_factor").asDouble();
    float[] golden = golden("clip-golden.safetensors");
    float[] ours = new float[golden.length];
    for (int i = 0; i < N; i++) {
      RgbImage img = image(i);
      int[] size = Crops.shortestEdge(img.width(), img.height(), 224);
      RgbImage r = Crops.centerCropFloor(PilResize.resize(img, size[0], size[1], PilResize.Filter.BICUBIC), 224, 224);
      System.arraycopy(PixelValues.transformers(r, rescale, mean, std), 0, ours, i * 3 * HW, 3 * HW);
    }
    double steps = maxUint8Steps("clip", golden, ours, std);
    assertEquals(0, steps, 1e-3, "resize/crop differ from transformers by " + steps + " uint8 steps");
    Check.close("clip pixel_values", golden, ours, 1e-6);
  }

  @Test
  void clipImageProcessorFromPreprocessorConfig() {
    ClipImageProcessor p = ClipImageProcessor.read(Fixtures.path("fixtures/eval/clip-model/preprocessor_config.json"));
    assertEquals(PilResize.Filter.BICUBIC, p.resample());
    float[] golden = golden("clip-golden.safetensors");
    float[] ours = new float[golden.length];
    for (int i = 0; i < N; i++) System.arraycopy(p.apply(image(i)), 0, ours, i * 3 * HW, 3 * HW);
    Check.close("ClipImageProcessor pixel_values", golden, ours, 1e-6);
  }

  @Test
  void shortestEdgeAndCropOffsets() {
    assertArrayEquals(new int[] {232, 348}, Crops.shortestEdge(200, 300, 232));
    assertArrayEquals(new int[] {309, 232}, Crops.shortestEdge(384, 288, 232)); // int(232*384/288)=309.33
    assertArrayEquals(new int[] {224, 224}, Crops.shortestEdge(50, 50, 224));
    // torchvision rounds half to even: margin 1 -> 0, 3 -> 2, 5 -> 2; transformers floors: 0, 1, 2
    assertEquals(0, Crops.torchvisionOffset(225, 224));
    assertEquals(2, Crops.torchvisionOffset(227, 224));
    assertEquals(2, Crops.torchvisionOffset(229, 224));
    assertEquals(-1, Crops.torchvisionOffset(5, 8));
    RgbImage img = new RgbImage(3, 1, new byte[] {1, 1, 1, 2, 2, 2, 3, 3, 3});
    assertArrayEquals(new byte[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 0, 0, 0}, Crops.centerCrop(img, 5, 1).rgb());
    // one missing column: torchvision pads it after ((4-3)//2 = 0 before), transformers before (ceil)
    assertArrayEquals(new byte[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 0, 0, 0}, Crops.centerCrop(img, 4, 1).rgb());
    assertArrayEquals(new byte[] {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3}, Crops.centerCropFloor(img, 4, 1).rgb());
    // margin 1: round(0.5) = 0 = floor; margin 3: round(1.5) = 2, floor 1
    assertArrayEquals(new byte[] {1, 1, 1, 2, 2, 2}, Crops.centerCrop(img, 2, 1).rgb());
    assertArrayEquals(new byte[] {1, 1, 1, 2, 2, 2}, Crops.centerCropFloor(img, 2, 1).rgb());
    RgbImage img4 = new RgbImage(4, 1, new byte[] {1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4});
    assertArrayEquals(new byte[] {3, 3, 3}, Crops.centerCrop(img4, 1, 1).rgb());
    assertArrayEquals(new byte[] {2, 2, 2}, Crops.centerCropFloor(img4, 1, 1).rgb());
  }

  @Test
  void resizeKeepsFlatColourAndCopiesSameSize() {
    byte[] px = new byte[7 * 5 * 3];
    Arrays.fill(px, (byte) 200);
    RgbImage flat = new RgbImage(7, 5, px);
    for (PilResize.Filter f : PilResize.Filter.values()) {
      for (int[] s : new int[][] {{3, 2}, {13, 11}, {7, 9}, {2, 5}}) {
        RgbImage r = PilResize.resize(flat, s[0], s[1], f);
        for (byte b : r.rgb()) assertEquals(200, b & 0xff, f + " " + Arrays.toString(s));
      }
    }
    assertArrayEquals(px, PilResize.resize(flat, 7, 5, PilResize.Filter.BICUBIC).rgb());
  }

  /** Max |ours - golden| in units of one 8-bit step (the pixel values are (v/255 - mean)/std). */
  private static double maxUint8Steps(String what, float[] golden, float[] ours, float[] std) {
    double worst = 0;
    int diff = 0;
    for (int i = 0; i < golden.length; i++) {
      int c = (i / HW) % 3;
      double s = Math.abs(golden[i] - ours[i]) * std[c] * 255;
      if (s > 0.5) diff++;
      worst = Math.max(worst, s);
    }
    System.out.printf(Locale.ROOT, "[golden] %s: max %.3g uint8 steps, %d of %d values off by a step%n",
        what, worst, diff, golden.length);
    assertTrue(worst <= 1 + 1e-3, what + ": more than one uint8 step: " + worst);
    return worst;
  }

  private static RgbImage image(int i) {
    return RgbImage.read(Fixtures.path("fixtures/eval/images/img" + i + ".png"));
  }

  private static float[] golden(String file) {
    try (SafetensorsFile g = SafetensorsFile.open(Fixtures.path("fixtures/eval/" + file))) {
      assertArrayEquals(new long[] {N, 3, 224, 224}, g.info("pixel_values").shape());
      return g.floats("pixel_values");
    }
  }

  private static float[] floats(JsonNode a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).asDouble();
    return f;
  }
}
