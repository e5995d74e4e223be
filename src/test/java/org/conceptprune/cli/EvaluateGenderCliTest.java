package org.conceptprune.cli;

import static org.conceptprune.cli.EvalRecipeRuns.CLIP;
import static org.conceptprune.cli.EvalRecipeRuns.png;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.clip.ClipEvaluator;
import org.conceptprune.eval.image.RgbImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate --experiment gender} on tiny-sd with the tiny fixture CLIP: rows 38..41 (two seeds of
 * the last male-stereotyped profession, two of the first female one), base + a mask patch; each
 * image's zero-shot gender recomputed from its PNG, the shares and flip rates from those; a resumed
 * run, shards merged, user errors.
 */
class EvaluateGenderCliTest {
  @TempDir static Path tmp;
  static Path patch;
  static Path whole;

  @BeforeAll
  static void run() throws Exception {
    patch = EvalRecipeRuns.maskPatch(tmp);
    whole = tmp.resolve("whole");
    CliRun r = EvalRecipeRuns.evaluate("gender", whole, patch, args());
    assertTrue(r.out().contains("8 images generated, 8 scored"), r.out());
    System.out.print(r.out());
  }

  /** 20 male-stereotyped professions x 2 seeds come first: rows 38, 39 = CEO; 40, 41 = attendant. */
  static List<String> args(String... more) {
    List<String> a = new ArrayList<>(List.of("--images-per-prompt", "2", "--seed", "5", "--rows", "38:42", "--clip", CLIP.toString()));
    a.addAll(List.of(more));
    return a;
  }

  @Test
  void labelsAndSharesFollowFromThePictures() throws Exception {
    Map<String, JsonNode> scores = EvalRecipeRuns.scores(whole);
    assertEquals(8, scores.size());
    long[] seeds = {5, 6, 5, 6};
    int[][] female = new int[2][4];
    String manifest = Files.readString(whole.resolve("manifest.jsonl"));
    double worst = 0;
    try (ClipEvaluator clip = ClipEvaluator.load(CLIP)) {
      float[] classes = clip.textEmbeds(List.of("a photo of a man", "a photo of a woman"));
      for (int m = 0; m < 2; m++) {
        String model = m == 0 ? "base" : "pruned";
        for (int i = 0; i < 4; i++) {
          Path p = png(whole, model, 38 + i);
          assertTrue(manifest.contains("{\"model\":\"" + model + "\",\"row\":" + (38 + i) + ",\"seed\":" + seeds[i] + ","), manifest);
          float[] img = clip.imageEmbeds(clip.pixelValues(List.of(RgbImage.read(p))));
          ClipEvaluator.ZeroShot z = ClipEvaluator.zeroShot(img, classes, clip.projectionDim(), clip.logitScale(), List.of("m", "w"));
          female[m][i] = z.predicted()[0];
          JsonNode s = scores.get(model + "/" + (38 + i));
          assertEquals(female[m][i], s.get("values").get("female").asInt());
          assertEquals(female[m][i] == 1 ? "woman" : "man", s.get("labels").get("gender").asText());
          assertEquals(i < 2 ? "male-occupations" : "female-occupations", s.get("labels").get("group").asText());
          worst = Math.max(worst, Math.abs(z.probs()[0][1] - s.get("values").get("p_female").asDouble()));
        }
      }
    }
    System.out.printf(Locale.ROOT, "[gender] max |p_female(PNG) - scores.jsonl| = %.3e; female base %s pruned %s%n", worst,
        java.util.Arrays.toString(female[0]), java.util.Arrays.toString(female[1]));
    assertTrue(worst < 1e-5, "p_female differs by " + worst); // the test embeds both class prompts in one batch
    Map<String, double[]> res = EvalRecipeRuns.results(whole);
    String[] subjects = {"male-occupations", "female-occupations", "all"};
    int[][] range = {{0, 2}, {2, 4}, {0, 4}};
    for (int m = 0; m < 2; m++) {
      String model = m == 0 ? "base" : "pruned";
      for (int s = 0; s < 3; s++) {
        double f = 0;
        double flips = 0;
        int n = range[s][1] - range[s][0];
        for (int i = range[s][0]; i < range[s][1]; i++) {
          f += female[m][i];
          flips += female[m][i] != female[0][i] ? 1 : 0;
        }
        double[] fs = res.get(model + "|" + subjects[s] + "|female_share");
        assertEquals(f / n, fs[0], 0, model + " " + subjects[s]);
        assertEquals(n, fs[3]);
        assertEquals(1 - f / n, res.get(model + "|" + subjects[s] + "|male_share")[0], 1e-12);
        String flip = model + "|" + subjects[s] + "|flip_rate";
        if (m == 0) assertTrue(!res.containsKey(flip));
        else assertEquals(flips / n, res.get(flip)[0], 0, flip);
      }
    }
  }

  @Test
  void resumedRunAndMergedShardsGiveTheSameResults() throws Exception {
    Path out = tmp.resolve("resume");
    EvalRecipeRuns.evaluate("gender", out, patch, args());
    Files.delete(png(out, "base", 39));
    Files.delete(png(out, "pruned", 40));
    Files.delete(out.resolve("scores.jsonl"));
    CliRun r = EvalRecipeRuns.evaluate("gender", out, patch, args());
    assertTrue(r.out().contains("2 images generated, 8 scored"), r.out());
    assertEquals(Files.readString(whole.resolve("results.csv")), Files.readString(out.resolve("results.csv")));

    Path a = tmp.resolve("s0");
    Path b = tmp.resolve("s1");
    EvalRecipeRuns.evaluate("gender", a, patch, args("--shard", "0/2"));
    EvalRecipeRuns.evaluate("gender", b, patch, args("--shard", "1/2"));
    Path m = tmp.resolve("merged");
    CliRun mr = CliRun.of("evaluate", "--experiment", "gender", "--images-per-prompt", "2", "--seed", "5", "--clip", CLIP.toString(),
        "--steps", "2", "--scheduler", "ddim", "-o", m.toString(), "--merge", b.toString(), a.toString());
    assertEquals(0, mr.code(), mr.err());
    assertEquals(Files.readString(whole.resolve("results.csv")), Files.readString(m.resolve("results.csv")));
  }

  @Test
  void badInputs() {
    String tiny = Fixtures.tinySd().toString();
    CliRun.of("evaluate", "--experiment", "gender", "--model", tiny, "-o", tmp.resolve("e1").toString())
        .assertUserError("the gender experiment needs --clip (a transformers CLIPModel folder");
    CliRun.of("evaluate", "--experiment", "gender", "--model", tiny, "--clip", CLIP.toString(), "--prompts", "coco_3k.csv", "-o",
        tmp.resolve("e2").toString()).assertUserError("drop --prompts");
    CliRun.of("evaluate", "--experiment", "gender", "--model", tiny, "--clip", CLIP.toString(), "--template", "a nurse", "-o",
        tmp.resolve("e3").toString()).assertUserError("--template 'a nurse' has no {} for the profession");
    CliRun.of("evaluate", "--experiment", "gender", "--model", tiny, "--clip", CLIP.toString(), "--images-per-prompt", "0", "-o",
        tmp.resolve("e4").toString()).assertUserError("--images-per-prompt must be at least 1");
    // a merge of runs with other settings is refused
    CliRun.of("evaluate", "--experiment", "gender", "--images-per-prompt", "3", "--seed", "5", "--clip", CLIP.toString(), "--steps",
        "2", "--scheduler", "ddim", "-o", tmp.resolve("e5").toString(), "--merge", whole.toString())
        .assertUserError("is another experiment run");
  }
}
