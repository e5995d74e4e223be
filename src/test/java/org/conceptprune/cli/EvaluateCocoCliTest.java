package org.conceptprune.cli;

import static org.conceptprune.cli.EvalRecipeRuns.CLIP;
import static org.conceptprune.cli.EvalRecipeRuns.png;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.ProceduralSource;
import org.conceptprune.eval.clip.ClipEvaluator;
import org.conceptprune.eval.clip.ClipScores;
import org.conceptprune.eval.fid.FidFeatureExtractor;
import org.conceptprune.eval.fid.FidInceptionV3;
import org.conceptprune.eval.fid.FrechetDistance;
import org.conceptprune.eval.fid.GaussianStats;
import org.conceptprune.eval.fid.ImageSet;
import org.conceptprune.eval.fid.KernelInceptionDistance;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.runtime.TorchRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate --experiment coco} on tiny-sd (the first 2 or 4 captions of coco_3k.csv), the tiny
 * fixture CLIP and the procedural FID Inception (seed 2); reference: the 4 fixture pictures (a folder),
 * or 6 synthetic feature rows with spread. FID, KID and CLIP
 * scores recomputed from the PNGs; a resumed run and merged shards give the same results.csv.
 */
class EvaluateCocoCliTest {
  @TempDir static Path tmp;
  static Path patch;
  static Path weights;
  static Path refDir;
  static Path refFile;
  static Path whole;
  static Path synthetic; // reference features with some spread: FID far from 0
  static Path wholeSynthetic;

  @BeforeAll
  static void run() throws Exception {
    patch = EvalRecipeRuns.maskPatch(tmp);
    SafetensorsWriter w = new SafetensorsWriter();
    ProceduralSource src = ProceduralSource.fromKeysJson(Fixtures.path("fixtures/eval/fid-inception-keys.json"), 2);
    src.tensors().forEach((k, t) -> w.addFloats(k, t.shape(), src.floats(k)));
    weights = tmp.resolve("fid-inception.safetensors");
    w.write(weights);
    refDir = tmp.resolve("reference");
    Files.createDirectories(refDir);
    for (int i = 0; i < 4; i++) Files.copy(Fixtures.path("fixtures/eval/images/img" + i + ".png"), refDir.resolve("ref" + i + ".png"));
    refFile = tmp.resolve("reference.safetensors");
    CliRun f = CliRun.of("score", "fid-features", "--model", weights.toString(), "--images", refDir.toString(), "-o", refFile.toString());
    assertEquals(0, f.code(), f.err());
    whole = tmp.resolve("whole");
    CliRun r = EvalRecipeRuns.evaluate("coco", whole, patch, args(refDir, "--rows", "0:2"));
    assertTrue(r.out().contains("4 images generated, 4 scored"), r.out());
    System.out.print(r.out());
    synthetic = tmp.resolve("synthetic.safetensors");
    float[] v = new float[6 * FidInceptionV3.FEATURES];
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    for (int i = 0; i < v.length; i++) v[i] = (float) (0.05 + 0.02 * rng.nextGaussian());
    new SafetensorsWriter().addFloats("features", new long[] {6, FidInceptionV3.FEATURES}, v).write(synthetic);
    wholeSynthetic = tmp.resolve("whole-synthetic");
    CliRun s = EvalRecipeRuns.evaluate("coco", wholeSynthetic, patch, args(synthetic));
    System.out.print(s.out());
  }

  static List<String> args(Path reference, String... more) {
    List<String> a = new ArrayList<>(List.of("--limit", "4", "--clip", CLIP.toString(), "--fid-model", weights.toString(),
        "--fid-reference", reference.toString()));
    a.addAll(List.of(more));
    return a;
  }

  @Test
  void fidKidAndClipFollowFromThePictures() throws Exception {
    Map<String, JsonNode> scores = EvalRecipeRuns.scores(whole);
    Map<String, double[]> res = EvalRecipeRuns.results(whole);
    PromptSet coco = PromptSet.open("coco_3k.csv");
    int d = FidInceptionV3.FEATURES;
    float[] ref;
    try (SafetensorsFile f = SafetensorsFile.open(refFile)) {
      ref = f.floats("pool3");
    }
    try (SafetensorsFile cached = SafetensorsFile.open(whole.resolve("features/reference.safetensors"))) {
      assertArrayEquals(ref, cached.floats("pool3"), "a reference folder is embedded as score fid-features does");
    }
    GaussianStats refStats = GaussianStats.of(ref, 4, d);
    try (ClipEvaluator clip = ClipEvaluator.load(CLIP); NDManager m = TorchRuntime.newManager();
        SafetensorsFile wf = SafetensorsFile.open(weights)) {
      FidFeatureExtractor net = new FidFeatureExtractor(FidInceptionV3.load(wf, m), m, 1);
      for (String model : List.of("base", "pruned")) {
        List<Path> pngs = new ArrayList<>();
        double clipSum = 0;
        for (int row = 0; row < 2; row++) {
          Path p = png(whole, model, row);
          pngs.add(p);
          RgbImage img = RgbImage.read(p);
          double cos = ClipScores.cosine(clip.imageEmbeds(clip.pixelValues(List.of(img))),
              clip.textEmbeds(List.of(coco.rows().get(row).prompt())));
          assertEquals(cos, scores.get(model + "/" + row).get("values").get("cosine").asDouble(), 0, model + " row " + row);
          clipSum += ClipScores.clipScore(cos);
        }
        float[] pool3 = net.run(ImageSet.files(pngs), null).pool3(); // [2, 2048], one image at a time
        try (SafetensorsFile f = SafetensorsFile.open(whole.resolve("features/" + model + ".safetensors"))) {
          assertArrayEquals(new long[] {0, 1}, f.longs("rows"));
          Check.close(model + " pool3 (features file vs PNGs)", pool3, f.floats("pool3"), 0);
        }
        double fid = FrechetDistance.of(GaussianStats.of(pool3, 2, d), refStats);
        double kid = KernelInceptionDistance.compute(pool3, 2, ref, 4, d, 100, 1000, 0).mean();
        double[] rf = res.get(model + "||fid");
        System.out.printf(Locale.ROOT, "[coco] %s: fid %.6f (recomputed %.6f), kid %.6g (%.6g), clip %.4f%n", model, rf[0], fid,
            res.get(model + "||kid")[0], kid, clipSum / 2);
        assertEquals(fid, rf[0], 1e-9 * Math.abs(fid));
        assertTrue(Double.isNaN(rf[1]) && Double.isNaN(rf[2]), "FID has no interval");
        assertEquals(2, rf[3]);
        assertEquals(kid, res.get(model + "||kid")[0], 1e-9 * Math.abs(kid) + 1e-15);
        assertEquals(clipSum / 2, res.get(model + "||clip_score")[0], 1e-9);
      }
    }
  }

  /** Against reference features with spread, FID is far from 0 and still the Fréchet distance of the cached features. */
  @Test
  void fidAgainstASpreadReference() throws Exception {
    Map<String, double[]> res = EvalRecipeRuns.results(wholeSynthetic);
    float[] ref;
    try (SafetensorsFile f = SafetensorsFile.open(synthetic)) {
      ref = f.floats("features");
    }
    int d = FidInceptionV3.FEATURES;
    for (String model : List.of("base", "pruned")) {
      float[] mine;
      try (SafetensorsFile f = SafetensorsFile.open(wholeSynthetic.resolve("features/" + model + ".safetensors"));
          SafetensorsFile w = SafetensorsFile.open(whole.resolve("features/" + model + ".safetensors"))) {
        mine = f.floats("pool3");
        assertArrayEquals(w.floats("pool3"), java.util.Arrays.copyOf(mine, 2 * d), "same pictures, same features");
      }
      double fid = FrechetDistance.of(GaussianStats.of(mine, 4, d), GaussianStats.of(ref, 6, d));
      double kid = KernelInceptionDistance.compute(mine, 4, ref, 6, d, 100, 1000, 0).mean();
      System.out.printf(Locale.ROOT, "[coco] %s vs synthetic reference: fid %.9g (recomputed %.9g), kid %.6g (%.6g)%n", model,
          res.get(model + "||fid")[0], fid, res.get(model + "||kid")[0], kid);
      assertTrue(fid > 1, "fid " + fid);
      assertEquals(fid, res.get(model + "||fid")[0], 1e-12 * fid);
      assertEquals(kid, res.get(model + "||kid")[0], 1e-12 * Math.abs(kid));
    }
  }

  /** Pictures, scores and one model's features deleted: the rerun rebuilds them and writes the same results.csv. */
  @Test
  void resumedRunGivesTheSameResults() throws Exception {
    Path expected = wholeSynthetic.resolve("results.csv");
    Path out = tmp.resolve("resume");
    EvalRecipeRuns.evaluate("coco", out, patch, args(synthetic));
    Files.delete(png(out, "base", 3));
    Files.delete(png(out, "pruned", 0));
    Files.delete(out.resolve("scores.jsonl"));
    Files.delete(out.resolve("features/pruned.safetensors"));
    CliRun r = EvalRecipeRuns.evaluate("coco", out, patch, args(synthetic));
    assertTrue(r.out().contains("2 images generated, 8 scored"), r.out());
    assertEquals(Files.readString(expected), Files.readString(out.resolve("results.csv")));
    // features deleted alone (scores kept): rebuilt from the PNGs
    Files.delete(out.resolve("features/base.safetensors"));
    CliRun s = CliRun.of(cat(List.of("evaluate", "--experiment", "coco", "--model", Fixtures.tinySd().toString(), "--mask",
        "pruned=" + patch, "-o", out.toString(), "--score-only"), EvalRecipeRuns.FAST, args(synthetic)));
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("0 images generated, 0 scored"), s.out());
    assertTrue(Files.exists(out.resolve("features/base.safetensors")));
    assertEquals(Files.readString(expected), Files.readString(out.resolve("results.csv")));
  }

  @Test
  void shardsMergeToTheWholeRun() throws Exception {
    Path a = tmp.resolve("s0");
    Path b = tmp.resolve("s1");
    EvalRecipeRuns.evaluate("coco", a, patch, args(synthetic, "--shard", "0/2"));
    EvalRecipeRuns.evaluate("coco", b, patch, args(synthetic, "--shard", "1/2"));
    Path m = tmp.resolve("merged");
    CliRun r = CliRun.of(cat(List.of("evaluate", "--experiment", "coco", "-o", m.toString(), "--merge", a.toString(), b.toString()),
        EvalRecipeRuns.FAST, args(synthetic)));
    assertEquals(0, r.code(), r.err());
    assertEquals(Files.readString(wholeSynthetic.resolve("results.csv")), Files.readString(m.resolve("results.csv")));
  }

  @Test
  void badInputs() throws Exception {
    String tiny = Fixtures.tinySd().toString();
    CliRun.of("evaluate", "--experiment", "coco", "--model", tiny, "--clip", CLIP.toString(), "--fid-model", weights.toString(), "-o",
        tmp.resolve("e1").toString()).assertUserError("the coco experiment needs --fid-reference (reference images");
    CliRun.of("evaluate", "--experiment", "coco", "--model", tiny, "--clip", CLIP.toString(), "--fid-reference", refDir.toString(),
        "-o", tmp.resolve("e2").toString()).assertUserError("the coco experiment needs --fid-model");
    CliRun.of("evaluate", "--experiment", "coco", "--model", tiny, "--fid-model", weights.toString(), "--fid-reference",
        refDir.toString(), "-o", tmp.resolve("e3").toString()).assertUserError("the coco experiment needs --clip");
    CliRun.of("evaluate", "--experiment", "coco", "--model", tiny, "--clip", CLIP.toString(), "--fid-model", weights.toString(),
        "--fid-reference", tmp.resolve("none").toString(), "-o", tmp.resolve("e4").toString()).assertUserError("no such folder or file");
    Path one = tmp.resolve("one-row.safetensors");
    new SafetensorsWriter().addFloats("pool3", new long[] {1, 2048}, new float[2048]).write(one);
    CliRun.of("evaluate", "--experiment", "coco", "--model", tiny, "--clip", CLIP.toString(), "--fid-model", weights.toString(),
        "--fid-reference", one.toString(), "-o", tmp.resolve("e5").toString()).assertUserError("a covariance needs at least 2");
    Path other = tmp.resolve("other-model.safetensors");
    new SafetensorsWriter().metadata("model_sha256", "ab".repeat(32)).addFloats("pool3", new long[] {2, 2048}, new float[4096]).write(other);
    CliRun.of(cat(List.of("evaluate", "--experiment", "coco", "--model", tiny, "-o", tmp.resolve("e6").toString()), EvalRecipeRuns.FAST,
        args(other))).assertUserError("was embedded by other FID weights");
    assertTrue(!Files.exists(tmp.resolve("e1")));
  }

  static String[] cat(List<String> a, List<String> b, List<String> c) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    all.addAll(c);
    return all.toArray(String[]::new);
  }
}
