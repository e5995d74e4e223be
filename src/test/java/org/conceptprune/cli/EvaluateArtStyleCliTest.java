package org.conceptprune.cli;

import static org.conceptprune.cli.EvalRecipeRuns.CLIP;
import static org.conceptprune.cli.EvalRecipeRuns.png;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.conceptprune.eval.clip.ClipScores;
import org.conceptprune.eval.image.RgbImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate --experiment art-style} on tiny-sd with the tiny fixture CLIP: a four-row run of two
 * artists (base + a mask patch), its numbers recomputed from the PNGs with {@link ClipEvaluator}, a
 * resumed run, shards merged, and the user errors. Plumbing, not quality.
 */
class EvaluateArtStyleCliTest {
  static final String[] ARTISTS = {"Van Gogh", "Claude Monet"};
  @TempDir static Path tmp;
  static Path csv;
  static Path patch;
  static Path whole;

  @BeforeAll
  static void run() throws Exception {
    csv = tmp.resolve("artists.csv");
    StringBuilder sb = new StringBuilder(",case_number,prompt,evaluation_seed,artist\n");
    String[] prompts = {"A starry night over a village, in the style of Van Gogh", "Water lilies on a pond by Claude Monet",
        "Sunflowers in a vase, Van Gogh", "Haystacks at sunset, \"painted\" by Claude Monet", "Wheat field with cypresses by Van Gogh",
        "Rouen cathedral, Monet"};
    for (int i = 0; i < prompts.length; i++) {
      sb.append(i).append(',').append(i).append(",\"").append(prompts[i].replace("\"", "\"\"")).append("\",").append(1000 + 7 * i).append(',')
          .append(ARTISTS[i % 2]).append('\n');
    }
    Files.writeString(csv, sb.toString());
    patch = EvalRecipeRuns.maskPatch(tmp);
    whole = tmp.resolve("whole");
    CliRun r = EvalRecipeRuns.evaluate("art-style", whole, patch, args("--limit", "4"));
    assertTrue(r.out().contains("8 images generated, 8 scored"), r.out());
    System.out.print(r.out());
  }

  static List<String> args(String... more) {
    List<String> a = new ArrayList<>(List.of("--prompts", csv.toString(), "--target", "van gogh", "--clip", CLIP.toString()));
    a.addAll(List.of(more));
    return a;
  }

  /** Each image's cosine and CLIP score, recomputed from its PNG, equal scores.jsonl; the table follows from them. */
  @Test
  void numbersFollowFromThePictures() throws Exception {
    Map<String, JsonNode> scores = EvalRecipeRuns.scores(whole);
    assertEquals(8, scores.size());
    String[] prompts = new String[4];
    List<String> lines = Files.readAllLines(csv);
    double worst = 0;
    double[][] cos = new double[2][4];
    try (ClipEvaluator clip = ClipEvaluator.load(CLIP)) {
      for (int row = 0; row < 4; row++) {
        prompts[row] = org.conceptprune.pipeline.PromptSet.open(csv.toString()).rows().get(row).prompt();
        for (int m = 0; m < 2; m++) {
          String model = m == 0 ? "base" : "pruned";
          RgbImage img = RgbImage.read(png(whole, model, row));
          assertEquals(128, img.width());
          float[] ie = clip.imageEmbeds(clip.pixelValues(List.of(img)));
          float[] te = clip.textEmbeds(List.of(prompts[row]));
          cos[m][row] = ClipScores.cosine(ie, te);
          JsonNode s = scores.get(model + "/" + row);
          worst = Math.max(worst, Math.abs(cos[m][row] - s.get("values").get("cosine").asDouble()));
          assertEquals(ClipScores.clipScore(cos[m][row]), s.get("values").get("clip_score").asDouble(), 1e-3);
          assertEquals(ARTISTS[row % 2], s.get("labels").get("artist").asText());
        }
      }
    }
    System.out.printf(Locale.ROOT, "[art-style] max |cos(PNG, prompt) - scores.jsonl| = %.3e; cos base %s pruned %s%n", worst,
        java.util.Arrays.toString(cos[0]), java.util.Arrays.toString(cos[1]));
    assertTrue(worst < 1e-5, "cosine differs by " + worst);
    assertTrue(lines.size() > 4);
    boolean anyDiffers = false;
    for (int row = 0; row < 4; row++) anyDiffers |= Math.abs(cos[0][row] - cos[1][row]) > 1e-6;
    assertTrue(anyDiffers, "the mask should change some picture");

    Map<String, double[]> res = EvalRecipeRuns.results(whole);
    for (int m = 0; m < 2; m++) {
      String model = m == 0 ? "base" : "pruned";
      for (int which = 0; which < 2; which++) { // rows 0, 2: Van Gogh (target); 1, 3: Monet
        double clipScore = (ClipScores.clipScore(cos[m][which]) + ClipScores.clipScore(cos[m][which + 2])) / 2;
        double[] r = res.get(model + "|Van Gogh|" + (which == 0 ? "target" : "others") + "_clip_score");
        assertEquals(clipScore, r[0], 1e-3, model + " " + which);
        assertEquals(2, r[3]);
        assertTrue(r[1] <= r[0] && r[0] <= r[2], "interval holds the mean");
        String acc = model + "|Van Gogh|" + (which == 0 ? "target" : "others") + "_clip_accuracy";
        if (m == 0) {
          assertTrue(!res.containsKey(acc), "no accuracy for the base model");
        } else {
          double share = ((cos[1][which] < cos[0][which] ? 1 : 0) + (cos[1][which + 2] < cos[0][which + 2] ? 1 : 0)) / 2.0;
          assertEquals(share, res.get(acc)[0], 0, acc);
          assertEquals(2, res.get(acc)[3]);
        }
      }
    }
    assertTrue(Files.readString(whole.resolve("index.html")).contains("target_clip_accuracy"));
  }

  /** Deleting pictures and scores, then rerunning, regenerates the same pixels and the same results.csv. */
  @Test
  void resumedRunGivesTheSameResults() throws Exception {
    Path out = tmp.resolve("resume");
    EvalRecipeRuns.evaluate("art-style", out, patch, args("--limit", "4"));
    byte[] before = Files.readAllBytes(out.resolve("results.csv"));
    byte[] pixels = Files.readAllBytes(png(out, "pruned", 2));
    Files.delete(png(out, "base", 1));
    Files.delete(png(out, "pruned", 2));
    Files.delete(out.resolve("scores.jsonl"));
    CliRun r = EvalRecipeRuns.evaluate("art-style", out, patch, args("--limit", "4"));
    assertTrue(r.out().contains("2 images generated, 8 scored"), r.out());
    assertArrayEquals(pixels, Files.readAllBytes(png(out, "pruned", 2)));
    assertEquals(new String(before), Files.readString(out.resolve("results.csv")));
    assertEquals(Files.readString(whole.resolve("results.csv")), Files.readString(out.resolve("results.csv")));
  }

  /** Shards 0/2 and 1/2 joined with --merge give the unsharded results.csv and scores. */
  @Test
  void shardsMergeToTheWholeRun() throws Exception {
    Path a = tmp.resolve("s0");
    Path b = tmp.resolve("s1");
    CliRun ra = EvalRecipeRuns.evaluate("art-style", a, patch, args("--limit", "4", "--shard", "0/2"));
    assertTrue(ra.out().contains("4 images generated, 4 scored"), ra.out());
    EvalRecipeRuns.evaluate("art-style", b, patch, args("--limit", "4", "--shard", "1/2"));
    Path m = tmp.resolve("merged");
    CliRun r = CliRun.of("evaluate", "--experiment", "art-style", "--prompts", csv.toString(), "--target", "Van Gogh", "--clip",
        CLIP.toString(), "--steps", "2", "--scheduler", "ddim", "-o", m.toString(), "--merge", a.toString(), b.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("0 images generated, 0 scored"), r.out());
    assertEquals(Files.readString(whole.resolve("results.csv")), Files.readString(m.resolve("results.csv")));
    assertEquals(EvalRecipeRuns.scores(whole).toString(), EvalRecipeRuns.scores(m).toString());
  }

  @Test
  void unknownArtistListsTheArtists() {
    CliRun.of("evaluate", "--experiment", "art-style", "--model", Fixtures.tinySd().toString(), "--target", "Rothko", "--clip",
        CLIP.toString(), "-o", tmp.resolve("e1").toString())
        .assertUserError("--target 'Rothko' is not an artist of big_artist_prompts.csv (artists: Pablo Picasso, Van Gogh,"
            + " Rembrandt, Andy Warhol, Caravaggio)");
    assertTrue(!Files.exists(tmp.resolve("e1")), "nothing written");
  }

  @Test
  void missingClipAndTargetAndColumn() throws Exception {
    String tiny = Fixtures.tinySd().toString();
    CliRun.of("evaluate", "--experiment", "art-style", "--model", tiny, "--target", "Van Gogh", "-o", tmp.resolve("e2").toString())
        .assertUserError("the art-style experiment needs --clip (a transformers CLIPModel folder");
    CliRun.of("evaluate", "--experiment", "art-style", "--model", tiny, "--clip", CLIP.toString(), "-o", tmp.resolve("e3").toString())
        .assertUserError("the art-style experiment needs one --target");
    CliRun.of("evaluate", "--experiment", "art-style", "--model", tiny, "--target", "Van Gogh", "--clip",
        tmp.resolve("nope").toString(), "-o", tmp.resolve("e4").toString()).assertUserError("no such model folder");
    Path noArtist = tmp.resolve("plain.csv");
    Files.writeString(noArtist, "prompt,evaluation_seed\na painting,1\n");
    CliRun.of("evaluate", "--experiment", "art-style", "--model", tiny, "--prompts", noArtist.toString(), "--target", "Van Gogh",
        "--clip", CLIP.toString(), "-o", tmp.resolve("e5").toString())
        .assertUserError("plain.csv: the art-style experiment needs an 'artist' column (found [prompt, evaluation_seed])");
  }
}
