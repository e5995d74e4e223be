package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.ProceduralSource;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code score fid-features} and {@code score fid}: round trips against the goldens, and bad inputs. */
class ScoreFidCliTest {
  static final Path GOLDEN = Fixtures.path("fixtures/eval/fid-golden.safetensors");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static Path weights;
  static Path featuresA;
  static Path featuresB;

  @BeforeAll
  static void setUp() {
    // the seed-2 procedural FID Inception as a safetensors checkpoint
    SafetensorsWriter w = new SafetensorsWriter();
    try (ProceduralSource src = ProceduralSource.fromKeysJson(Fixtures.path("fixtures/eval/fid-inception-keys.json"), 2)) {
      src.tensors().values().forEach(t -> w.addFloats(t.name(), t.shape(), src.floats(t.name())));
    }
    weights = dir.resolve("fid-inception.safetensors");
    w.write(weights);
    try (SafetensorsFile g = SafetensorsFile.open(GOLDEN)) {
      featuresA = dir.resolve("a.safetensors");
      featuresB = dir.resolve("b.safetensors");
      new SafetensorsWriter().addFloats("features", new long[] {50, 64}, g.floats("features_a")).write(featuresA);
      new SafetensorsWriter().addFloats("features", new long[] {60, 64}, g.floats("features_b")).write(featuresB);
    }
  }

  @Test
  void rawImagesGiveTheGoldenPool3() throws Exception {
    Path raw = dir.resolve("images.safetensors");
    float[] expected;
    try (SafetensorsFile g = SafetensorsFile.open(GOLDEN)) {
      new SafetensorsWriter().addFloats("images", g.info("images").shape(), g.floats("images")).write(raw);
      expected = g.floats("pool3");
    }
    Path out = dir.resolve("pool3.safetensors");
    CliRun r = CliRun.of("score", "fid-features", "--model", weights.toString(), "--raw", raw.toString(),
        "--out", out.toString(), "--batch-size", "3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("pool3 [4, 2048]"), r.out());
    try (SafetensorsFile f = SafetensorsFile.open(out)) {
      assertArrayEquals(new long[] {4, 2048}, f.info("pool3").shape());
      Check.close("cli pool3 (batches of 3 + 1)", expected, f.floats("pool3"), 1e-4 * 0.2746);
      Map<String, String> meta = f.metadata();
      assertEquals(64, meta.get("model_sha256").length());
      assertEquals(64, meta.get("image_set_sha256").length());
      assertEquals("4", meta.get("images"));
      assertTrue(meta.get("preprocessing").contains("align_corners=False"), meta.toString());
    }
  }

  @Test
  void pngsOfDifferentSizesAreBatchedBySize() throws Exception {
    List<String> args = new ArrayList<>(List.of("score", "fid-features", "--model", weights.toString(), "--image"));
    for (int i = 0; i < 4; i++) args.add(Fixtures.path("fixtures/eval/images/img" + i + ".png").toString());
    Path all = dir.resolve("png-all.safetensors");
    List<String> a = new ArrayList<>(args);
    a.addAll(List.of("--out", all.toString()));
    assertEquals(0, CliRun.of(a.toArray(String[]::new)).code());
    // img1 alone, through --images on a folder holding only it: the same row as in the mixed run
    Path one = Files.createDirectories(dir.resolve("one"));
    Files.copy(Fixtures.path("fixtures/eval/images/img1.png"), one.resolve("img1.png"));
    Files.writeString(one.resolve("notes.txt"), "not an image");
    Path single = dir.resolve("png-one.safetensors");
    CliRun r = CliRun.of("score", "fid-features", "--model", weights.toString(), "--images", one.toString(), "--out", single.toString());
    assertEquals(0, r.code(), r.err());
    try (SafetensorsFile f = SafetensorsFile.open(all); SafetensorsFile g = SafetensorsFile.open(single)) {
      float[] rows = f.floats("pool3");
      float[] row1 = java.util.Arrays.copyOfRange(rows, 2048, 4096);
      Check.close("img1 alone vs in a mixed-size run", g.floats("pool3"), row1, 1e-6);
      // the first PNG is 256x256 but is not the golden's PIL-resized image: rows differ from pool3 golden
      assertEquals("1", g.metadata().get("images"));
    }
  }

  @Test
  void fidAndKidOfFeatureFiles() throws Exception {
    double expected = JSON.readTree(Fixtures.path("fixtures/eval/fid-golden.json").toFile()).get("fid").asDouble();
    Path json = dir.resolve("fid.json");
    CliRun r = CliRun.of("score", "fid", "--features", featuresA.toString(), "--features", featuresB.toString(),
        "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode printed = JSON.readTree(r.out());
    assertEquals(1, printed.size(), "only the fid without --kid: " + printed);
    assertEquals(expected, printed.get("fid").asDouble(), 1e-4 * expected);
    assertEquals(printed, JSON.readTree(json.toFile()));
    CliRun k = CliRun.of("score", "fid", "--features", featuresA.toString(), "--features", featuresB.toString(),
        "--kid", "--kid-subsets", "5");
    assertEquals(0, k.code(), k.err());
    JsonNode kj = JSON.readTree(k.out());
    assertEquals(expected, kj.get("fid").asDouble(), 1e-4 * expected);
    assertEquals(50, kj.get("kid_subset_size").asInt());
    assertEquals(5, kj.get("kid_subsets").asInt());
    assertTrue(kj.get("kid_std").asDouble() > 0, kj.toString());
    assertTrue(Math.abs(kj.get("kid_mean").asDouble()) < 0.1, kj.toString());
  }

  @Test
  void featuresFromDifferentModelsAreFlagged() {
    float[] v = new float[3 * 4];
    for (int i = 0; i < v.length; i++) v[i] = (i * 7 % 5) * 0.1f;
    Path x = dir.resolve("model-x.safetensors");
    Path y = dir.resolve("model-y.safetensors");
    new SafetensorsWriter().metadata("model_sha256", "aa").addFloats("pool3", new long[] {3, 4}, v).write(x);
    new SafetensorsWriter().metadata("model_sha256", "bb").addFloats("pool3", new long[] {3, 4}, v).write(y);
    CliRun r = CliRun.of("score", "fid", "--features", x.toString(), "--features", y.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("were embedded by different models (model_sha256 differs)"), r.err());
    CliRun same = CliRun.of("score", "fid", "--features", x.toString(), "--features", x.toString());
    assertEquals("", same.err());
  }

  @Test
  void badFeatureFiles() {
    Path wide = dir.resolve("wide.safetensors");
    new SafetensorsWriter().addFloats("pool3", new long[] {3, 2}, new float[6]).write(wide);
    CliRun.of("score", "fid", "--features", featuresA.toString(), "--features", wide.toString())
        .assertUserError("has 64-d features but");
    Path other = dir.resolve("other.safetensors");
    new SafetensorsWriter().addFloats("images", new long[] {2, 2}, new float[4]).write(other);
    CliRun.of("score", "fid", "--features", other.toString(), "--features", featuresA.toString())
        .assertUserError("no tensor 'pool3' or 'features' [N, D] (found: images)");
    Path oneRow = dir.resolve("one-row.safetensors");
    new SafetensorsWriter().addFloats("features", new long[] {1, 64}, new float[64]).write(oneRow);
    CliRun.of("score", "fid", "--features", oneRow.toString(), "--features", featuresA.toString())
        .assertUserError("has 1 row(s); a covariance needs at least 2");
    Path nan = dir.resolve("nan.safetensors");
    new SafetensorsWriter().addFloats("features", new long[] {2, 2}, new float[] {0, 1, Float.NaN, 2}).write(nan);
    CliRun.of("score", "fid", "--features", nan.toString(), "--features", nan.toString())
        .assertUserError("row 1 has a non-finite value (NaN)");
    CliRun.of("score", "fid", "--features", featuresA.toString()).assertUserError("--features must be given exactly twice, got 1");
  }

  @Test
  void badModelsAndImages() throws Exception {
    Path png = Fixtures.path("fixtures/eval/images/img0.png");
    Path out = dir.resolve("never.safetensors");
    // a CLIP checkpoint is not an Inception
    CliRun.of("score", "fid-features", "--model", Fixtures.path("fixtures/eval/clip-model/model.safetensors").toString(),
        "--image", png.toString(), "--out", out.toString()).assertUserError("not pytorch-fid's FID Inception-v3 (no 'Conv2d_1a_3x3.conv.weight'; 78 tensors such as logit_scale, ");
    // torchvision's 1000-class Inception (fc 1000) is refused by name
    Path tv = dir.resolve("tv.safetensors");
    new SafetensorsWriter().addFloats("fc.weight", new long[] {1000, 2048}, new float[1000 * 2048])
        .addFloats("Conv2d_1a_3x3.conv.weight", new long[] {32, 3, 3, 3}, new float[864]).write(tv);
    CliRun.of("score", "fid-features", "--model", tv.toString(), "--image", png.toString(), "--out", out.toString())
        .assertUserError("fc.weight is [1000, 2048], expected [1008, 2048]");
    Path pth = dir.resolve("pt_inception.pth");
    Files.writeString(pth, "not read");
    CliRun.of("score", "fid-features", "--model", pth.toString(), "--image", png.toString(), "--out", out.toString())
        .assertUserError("pt_inception.pth");
    // 0..255 data
    Path bytes = dir.resolve("bytes.safetensors");
    float[] v = new float[2 * 4 * 4 * 3];
    v[5] = 255f;
    new SafetensorsWriter().addFloats("images", new long[] {2, 4, 4, 3}, v).write(bytes);
    CliRun.of("score", "fid-features", "--model", weights.toString(), "--raw", bytes.toString(), "--out", out.toString())
        .assertUserError("image 0 has value 255.0; images must be in [0, 1] (scale 0..255 data by 1/255)");
    Path chw = dir.resolve("chw.safetensors");
    new SafetensorsWriter().addFloats("images", new long[] {2, 3, 4, 4}, new float[96]).write(chw);
    CliRun.of("score", "fid-features", "--model", weights.toString(), "--raw", chw.toString(), "--out", out.toString())
        .assertUserError("must be [N, H, W, 3] images in [0, 1], found [2, 3, 4, 4]");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    CliRun.of("score", "fid-features", "--model", weights.toString(), "--images", empty.toString(), "--out", out.toString())
        .assertUserError("no image files");
    CliRun.of("score", "fid-features", "--model", weights.toString(), "--image", png.toString(), "--out", weights.toString())
        .assertUserError("is --model");
    assertTrue(!Files.exists(out));
  }
}
