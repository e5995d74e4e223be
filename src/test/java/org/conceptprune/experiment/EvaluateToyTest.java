package org.conceptprune.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.conceptprune.cli.Main;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.PruneStats;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyJudge;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.World;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate --experiment toy} on the shipped toy model, restricted to the six prompts asking
 * for zorbly: the judge's verdicts equal {@code toy eval}'s (ToyEval, same seeds and masks); a run
 * killed with kill -9 and resumed, and two shards merged, give the same PNG bytes and results.
 */
class EvaluateToyTest {
  @TempDir static Path tmp;
  static Path full;
  static String[] common;

  @BeforeAll
  static void uninterrupted() {
    full = tmp.resolve("full");
    common = new String[] {"evaluate", "--experiment", "toy", "--target", "zorbly", "--images-per-concept", "1", "--rows", "0:6",
        "--sweep-k", "0.02,0.05", "--sweep-timesteps", "5,10"};
    run(args(full)).ok();
  }

  static String[] args(Path out, String... more) {
    List<String> a = new ArrayList<>(List.of(common));
    a.addAll(List.of("--out", out.toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  record Run(int code, String out, String err) {
    Run ok() {
      assertEquals(0, code, out + err);
      return this;
    }

    Run userError(String mentions) {
      assertEquals(2, code, out + err);
      String[] lines = err.strip().split("\\R");
      String last = lines[lines.length - 1];
      assertTrue(last.startsWith("error: ") && last.contains(mentions), "expected an error about '" + mentions + "': " + err);
      return this;
    }
  }

  static Run run(String... a) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(new PrintWriter(o, true), new PrintWriter(e, true), a);
    return new Run(code, o.toString(), e.toString());
  }

  @Test
  void verdictsEqualToyEvalsFromTheSameSeeds() {
    Map<String, ImageScore> scores = Evaluation.readScores(full);
    int zorbly = World.classic().styleIndex("zorbly");
    List<ToyEval.Item> asking = ToyEval.asking(World.classic(), true, zorbly, 1);
    try (StableDiffusion sd = StableDiffusion.loadFolder(ToyModel.extractBundled()); ToyJudge j = ToyJudge.loadBundled()) {
      ToyEval.Sampling s = ToyEval.Sampling.defaults();
      PruneStats st = ToyErasure.stats(World.classic(), sd, true, zorbly, 10, s, 100);
      MaskSet cp = ToyErasure.mask(sd, st, 0.05, 10);
      Map<String, ToyEval.Judged> ref = Map.of("base", ToyEval.run(sd, j, asking, 31, s),
          "zorbly-cp", ToyErasure.withMask(sd, j, cp, asking, 31, s),
          "zorbly-random", ToyErasure.withMask(sd, j, ToyErasure.randomLike(cp, 11), asking, 31, s),
          "zorbly-k0.02-t5", ToyErasure.withMask(sd, j, ToyErasure.mask(sd, st, 0.02, 5), asking, 31, s));
      for (var e : ref.entrySet()) {
        for (int i = 0; i < asking.size(); i++) {
          ImageScore got = scores.get(e.getKey() + "/" + i);
          assertEquals(World.classic().styles().get(e.getValue().result().style()[i]).name(), got.labels().get("style"), e.getKey() + " row " + i);
          assertEquals(World.classic().objects().get(e.getValue().result().object()[i]), got.labels().get("object"), e.getKey() + " row " + i);
        }
        double want = e.getValue().acc().style();
        String row = rowOf(full, e.getKey(), "erased_acc");
        assertTrue(row.contains("," + want + ","), e.getKey() + ": toy eval " + want + ", evaluate " + row);
      }
    }
  }

  static String rowOf(Path dir, String model, String metric) {
    try {
      return Files.readAllLines(dir.resolve("results.csv")).stream().filter(l -> l.startsWith(model + ",toy,zorbly," + metric + ","))
          .findFirst().orElseThrow(() -> new AssertionError(model + " " + metric + " missing"));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void killedAndResumedGivesTheSameBytes() throws Exception {
    Path killed = tmp.resolve("killed");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    cmd.addAll(List.of(args(killed)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
    Path images = killed.resolve("images");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (pngs(images) < 8 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
    p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
    p.waitFor();
    int before = pngs(images);
    assertTrue(before < 6 * 6, "the run must be killed part-way, it wrote " + before + " images");
    run(args(killed)).ok();
    assertSameImagesAndResults(full, killed);
  }

  @Test
  void twoWorkersGiveTheSameBytes() throws Exception {
    run(args(tmp.resolve("workers"), "--workers", "2")).ok(); // the tests pin libtorch to 1 thread per worker
    assertSameImagesAndResults(full, tmp.resolve("workers"));
    run(args(tmp.resolve("w0"), "--workers", "0")).userError("--workers must be at least 1, got 0");
  }

  @Test
  void shardsMergedEqualTheWholeRun() throws Exception {
    run(args(tmp.resolve("s0"), "--shard", "0/2")).ok();
    run(args(tmp.resolve("s1"), "--shard", "1/2")).ok();
    run(args(tmp.resolve("merged"), "--merge", tmp.resolve("s1").toString())).userError("missing part(s): shard 0/2");
    run(args(tmp.resolve("merged"), "--merge", tmp.resolve("s0").toString(), tmp.resolve("s1").toString())).ok();
    assertSameImagesAndResults(full, tmp.resolve("merged"));
  }

  @Test
  void badInputIsOneLineAndLosesNothing() throws Exception {
    run(args(tmp.resolve("x"), "--shard", "3/2")).userError("--shard 3/2");
    long before = pngs(full.resolve("images"));
    List<String> other = new ArrayList<>(List.of(common));
    other.set(4, "heart");
    other.addAll(List.of("--out", full.toString()));
    run(other.toArray(String[]::new)).userError("was made by another experiment run");
    assertEquals(before, pngs(full.resolve("images")));
    run("evaluate", "--experiment", "nope", "--out", tmp.resolve("y").toString()).userError("unknown experiment 'nope'");
    run(args(tmp.resolve("z"), "--ablation", "nope")).userError("unknown ablation 'nope' (ff.net.2, attn2.to_out or random-linear)");
    run(args(tmp.resolve("z"), "--objects-per-style", "3", "--others-sample", "8")).userError("not both");
    run(args(tmp.resolve("z"), "--objects-per-style", "17")).userError("--objects-per-style must be in 0..6, got 17");
    assertTrue(!Files.exists(tmp.resolve("z")), "bad toy options wrote nothing");
  }

  @Test
  void reportOpensInChromiumWithEveryImageAndPlot() throws Exception {
    String html = Files.readString(full.resolve("index.html"));
    assertTrue(html.contains("<svg class=plot id=sweep"), "the k / t̂ sweep plot");
    assertTrue(html.contains("erased_acc"), "the results table");
    assertTrue(html.contains("erased_clip_score"), "the shipped toy CLIP's columns");
    assertTrue(html.contains("CLIP(&quot;a zorbly shape&quot;)"), "the toy CLIP's score under the grid images");
    Chromium.Page page = Chromium.render(full.resolve("index.html"));
    assertTrue(page.imagesTotal() >= 6 * 6, page.toString());
    assertEquals(page.imagesTotal(), page.imagesLoaded(), "every picture of the report loads: " + page);
    assertTrue(page.svgs() >= 2, page.toString());
  }

  static void assertSameImagesAndResults(Path a, Path b) throws Exception {
    List<Path> fa = files(a.resolve("images"));
    List<Path> fb = files(b.resolve("images"));
    assertEquals(fa.stream().map(p -> a.relativize(p).toString()).toList(), fb.stream().map(p -> b.relativize(p).toString()).toList());
    for (int i = 0; i < fa.size(); i++) assertArrayEquals(Files.readAllBytes(fa.get(i)), Files.readAllBytes(fb.get(i)), fa.get(i).toString());
    assertEquals(Files.readString(a.resolve("results.csv")), Files.readString(b.resolve("results.csv")));
  }

  static List<Path> files(Path dir) throws Exception {
    try (var s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
    }
  }

  static int pngs(Path dir) {
    if (!Files.isDirectory(dir)) return 0;
    try (var s = Files.walk(dir)) {
      return (int) s.filter(p -> p.toString().endsWith(".png") && !p.getFileName().toString().startsWith(".")).count();
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
