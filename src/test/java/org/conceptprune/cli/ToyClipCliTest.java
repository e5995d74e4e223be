package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.toy.ToyRenderer;
import org.conceptprune.toy.ToyWorld;
import org.conceptprune.toy.World;
import org.conceptprune.toy.clip.ToyClip;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `score clip` reads the shipped toy CLIP like any transformers CLIPModel folder. */
class ToyClipCliTest {

  @Test
  void scoreClipZeroShotsAToyRender(@TempDir Path dir) throws Exception {
    Path clip = ToyClip.extractBundled();
    int star = World.classic().objectIndex("star");
    int dravish = World.classic().styleIndex("dravish");
    Path png = dir.resolve("dravish-star.png");
    RgbImage img = RgbImage.fromChw(ToyRenderer.render(World.classic(), star, dravish, new SplittableRandom(77L)), 0, ToyWorld.SIZE, ToyWorld.SIZE);
    BufferedImage b = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) b.setRGB(x, y, (img.at(x, y, 0) << 16) | (img.at(x, y, 1) << 8) | img.at(x, y, 2));
    }
    javax.imageio.ImageIO.write(b, "png", png.toFile());
    Path json = dir.resolve("s.json");
    CliRun r = CliRun.of("score", "clip", "--model", clip.toString(), "--image", png.toString(), "-p", "a dravish star",
        "--class", "zorbly", "--class", "quenth", "--class", "dravish", "--template", "a {} shape",
        "-o", dir.resolve("s.safetensors").toString(), "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    String text = Files.readString(json);
    System.out.println(text);
    JsonNode n = new ObjectMapper().readTree(text);
    JsonNode row = n.get("images").get(0);
    assertEquals("dravish", row.get("class").asText(), text); // zero-shot among "a {} shape"
    assertTrue(row.get("class_prob").asDouble() > 0.9, text);
    assertTrue(row.get("clip_score").asDouble() > 30, text); // measured 54.1 for "a dravish star"
  }
}
