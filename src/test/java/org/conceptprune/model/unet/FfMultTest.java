package org.conceptprune.model.unet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.conceptprune.toy.ToyDesign;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ff_mult (toy designs with wider FFNs): read from unet/config.json, 4 when absent as in diffusers. */
class FfMultTest {
  static final String KEY = "down_blocks.0.attentions.0.transformer_blocks.0.ff.";

  @Test
  void absentMeansDiffusersFourAndTheToyWritesItOnlyWhenOther(@TempDir Path dir) throws Exception {
    ToyDesign.defaults().writeConfigs(dir, 1.0);
    Path cfg = dir.resolve("unet/config.json");
    assertTrue(!Files.readString(cfg).contains("ff_mult"));
    UNet2DConditionConfig c = UNet2DConditionConfig.read(cfg);
    assertEquals(4, c.ffMult());
    var p = new UNet2DConditionModel(c).parameters();
    assertArrayEquals(new long[] {64, 256}, p.get(KEY + "net.2.weight").shape());
    assertArrayEquals(new long[] {512, 64}, p.get(KEY + "net.0.proj.weight").shape());
  }

  @Test
  void eightMakesEveryFfnTwiceAsWide(@TempDir Path dir) {
    ToyDesign.defaults().withFfMult(8).writeConfigs(dir, 1.0);
    UNet2DConditionConfig c = UNet2DConditionConfig.read(dir.resolve("unet/config.json"));
    assertEquals(8, c.ffMult());
    UNet2DConditionModel wide = new UNet2DConditionModel(c);
    var p = wide.parameters();
    assertArrayEquals(new long[] {64, 512}, p.get(KEY + "net.2.weight").shape());
    assertArrayEquals(new long[] {1024, 64}, p.get(KEY + "net.0.proj.weight").shape());
    assertArrayEquals(new long[] {128, 1024}, p.get("mid_block.attentions.0.transformer_blocks.0.ff.net.2.weight").shape());
    assertEquals(14, wide.ffn2Layers().size());
  }

  @Test
  void aBadValueNamesTheFile(@TempDir Path dir) throws Exception {
    ToyDesign.defaults().withFfMult(8).writeConfigs(dir, 1.0);
    Path cfg = dir.resolve("unet/config.json");
    Files.writeString(cfg, Files.readString(cfg).replace("\"ff_mult\": 8", "\"ff_mult\": 0"));
    UserError e = assertThrows(UserError.class, () -> UNet2DConditionConfig.read(cfg));
    assertTrue(e.getMessage().contains(cfg.toString()) && e.getMessage().contains("ff_mult"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ToyDesign.defaults().withFfMult(0));
  }
}
