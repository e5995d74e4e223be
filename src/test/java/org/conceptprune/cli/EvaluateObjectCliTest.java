package org.conceptprune.cli;

import static org.conceptprune.cli.EvalRecipeFixtures.bytes;
import static org.conceptprune.cli.EvalRecipeFixtures.ok;
import static org.conceptprune.cli.EvalRecipeFixtures.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.ImageNetClasses;
import org.conceptprune.eval.ProceduralSource;
import org.conceptprune.eval.ResNet50;
import org.conceptprune.eval.image.ImageNetTransforms;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.eval.image.PngText;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.TensorInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate --experiment object} end to end on tiny-sd (2 steps, 128 px) and its masked copy,
 * judged by a ResNet-50 with procedural weights: every per-image verdict is recomputed here with
 * {@link ResNet50} on the PNG, the table from those; resume, shards + merge, and bad inputs.
 */
class EvaluateObjectCliTest {
  @TempDir static Path tmp;
  static Path weights;
  static Path patch;
  static Path csv;
  static Path full;
  static CliRun fullRun;
  /** ImageNette rows of the test CSV: class, then seed; prompts "an image of a CLASS". */
  static final String[][] ROWS = {{"tench", "1174"}, {"tench", "6478"}, {"English springer", "52"}, {"church", "3"},
      {"church", "907"}, {"French horn", "11"}};
  static final Map<String, Integer> INDEX = Map.of("tench", 0, "English springer", 217, "church", 497, "French horn", 566);

  @BeforeAll
  static void run() throws IOException {
    weights = tmp.resolve("resnet50.safetensors");
    SafetensorsWriter w = new SafetensorsWriter();
    try (ProceduralSource src = ProceduralSource.of(new ResNet50(1000), 1)) {
      for (TensorInfo t : src.tensors().values()) w.addFloats(t.name(), t.shape(), src.floats(t.name()));
    }
    w.write(weights);
    patch = EvalRecipeFixtures.maskPatch(tmp.resolve("pruned.mask.safetensors"));
    StringBuilder sb = new StringBuilder("case_number,prompt,class,evaluation_seed\n");
    for (int i = 0; i < ROWS.length; i++) sb.append(i).append(",an image of a ").append(ROWS[i][0]).append(',').append(ROWS[i][0]).append(',').append(ROWS[i][1]).append('\n');
    csv = tmp.resolve("nette.csv");
    Files.writeString(csv, sb.toString());
    full = tmp.resolve("full");
    fullRun = ok(CliRun.of(args(full, csv, "--target", "tench")));
  }

  static String[] args(Path out, Path prompts, String... extra) {
    List<String> a = new ArrayList<>(List.of("evaluate", "--experiment", "object", "--model", Fixtures.tinySd().toString(),
        "--mask", "pruned=" + patch, "--prompts", prompts.toString(), "--classifier", weights.toString(), "--steps", "2",
        "--out", out.toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  /** Top-1 ImageNet index of each PNG, computed here with the ResNet-50 alone. */
  static Map<String, Integer> predictions(Path out) {
    Map<String, Integer> pred = new LinkedHashMap<>();
    try (SafetensorsFile src = SafetensorsFile.open(weights); NDManager m = NDManager.newBaseManager()) {
      ResNet50 net = ResNet50.load(src, m, DataType.FLOAT32);
      for (String rel : EvalRecipeFixtures.pngs(out)) {
        float[] x = ImageNetTransforms.apply(RgbImage.read(out.resolve(rel)));
        float[] logits = net.forward(m.create(x, new Shape(1, 3, 224, 224))).toFloatArray();
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        Path p = Path.of(rel);
        pred.put(p.getParent().getFileName() + "/" + p.getFileName().toString().replace(".png", ""), best);
      }
    }
    return pred;
  }

  @Test
  void everyVerdictAndTheTableAgreeWithTheClassifierRunAlone() {
    Map<String, JsonNode> scores = EvalRecipeFixtures.scores(full);
    Map<String, Integer> pred = predictions(full);
    assertEquals(12, scores.size(), scores.keySet().toString());
    assertEquals(scores.keySet(), pred.keySet());
    Map<String, List<Double>> byKey = new LinkedHashMap<>(); // model|subject|metric -> verdicts
    for (var e : pred.entrySet()) {
      JsonNode s = scores.get(e.getKey());
      String model = e.getKey().split("/")[0];
      String cls = ROWS[Integer.parseInt(e.getKey().split("/")[1])][0];
      double right = e.getValue().equals(INDEX.get(cls)) ? 1 : 0;
      assertEquals(ImageNetClasses.names().get(e.getValue()), s.get("labels").get("predicted").asText(), e.getKey());
      assertEquals(right, s.get("values").get("top1_correct").asDouble(), e.getKey());
      byKey.computeIfAbsent(model + "|" + cls + "|class_acc", k -> new ArrayList<>()).add(right);
      byKey.computeIfAbsent(model + "|tench|" + (cls.equals("tench") ? "erased_acc" : "others_acc"), k -> new ArrayList<>()).add(right);
    }
    System.out.println("object: predictions " + pred);
    Map<String, JsonNode> results = EvalRecipeFixtures.results(full);
    assertEquals(byKey.keySet(), results.keySet());
    for (var e : byKey.entrySet()) {
      JsonNode r = results.get(e.getKey());
      double mean = e.getValue().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      assertEquals(mean, r.get("value").asDouble(), 1e-12, e.getKey());
      assertEquals(e.getValue().size(), r.get("n").asInt(), e.getKey());
      assertTrue(r.get("ci95_low").asDouble() <= mean && mean <= r.get("ci95_high").asDouble(), e.getKey());
    }
    assertFalse(java.util.Arrays.equals(bytes(full.resolve("images/base/0.png")), bytes(full.resolve("images/pruned/0.png"))),
        "the mask changes the image");
    assertEquals(2, results.get("base|tench|erased_acc").get("n").asInt());
    assertEquals(4, results.get("base|tench|others_acc").get("n").asInt());
    // the prompt as ConceptPrune's script rewrites it, the row's own seed
    Map<String, String> text = PngText.read(full.resolve("images/base/2.png"));
    assertEquals("a photo of a English springer", text.get("prompt"));
    assertEquals("52", text.get("seed"));
    assertTrue(fullRun.out().contains("erased_acc") && fullRun.out().contains("others_acc"), fullRun.out());
    String html = read(full.resolve("index.html"));
    assertTrue(html.contains("Top-1 accuracy per class") && html.contains("aria-label='class_acc per subject and model'"), "report");
  }

  /**
   * The same prompts and seeds with each row labelled by what the classifier saw in the base model's
   * image, and that class erased: the base model's erased accuracy must be 1, the images the same.
   */
  @Test
  void labelsThatMatchThePredictionsCountAsRight() throws IOException {
    Map<String, Integer> pred = predictions(full);
    StringBuilder sb = new StringBuilder("case_number,prompt,class,evaluation_seed\n");
    for (int i = 0; i < 3; i++) {
      String cls = ImageNetClasses.names().get(pred.get("base/" + i)).toUpperCase(java.util.Locale.ROOT);
      sb.append(i).append(",an image of a ").append(ROWS[i][0]).append(",\"").append(cls).append("\",").append(ROWS[i][1]).append('\n');
    }
    Path relabelled = tmp.resolve("relabelled.csv");
    Files.writeString(relabelled, sb.toString());
    Path out = tmp.resolve("relabelled");
    String target = ImageNetClasses.names().get(pred.get("base/0"));
    ok(CliRun.of("evaluate", "--experiment", "object", "--model", Fixtures.tinySd().toString(), "--prompts", relabelled.toString(),
        "--classifier", weights.toString(), "--steps", "2", "--target", target, "--out", out.toString()));
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(bytes(full.resolve("images/base/" + i + ".png")), bytes(out.resolve("images/base/" + i + ".png")), "row " + i);
    }
    Map<String, JsonNode> r = EvalRecipeFixtures.results(out);
    String erased = "base|" + target.toUpperCase(java.util.Locale.ROOT) + "|erased_acc";
    long same = java.util.stream.IntStream.range(0, 3).filter(i -> pred.get("base/" + i).equals(pred.get("base/0"))).count();
    assertEquals(1.0, r.get(erased).get("value").asDouble(), erased);
    assertEquals((int) same, r.get(erased).get("n").asInt());
  }

  @Test
  void aResumedRunGivesTheSameImagesAndResults() {
    Path out = tmp.resolve("resumed");
    EvalRecipeFixtures.copyTree(full, out);
    EvalRecipeFixtures.delete(out.resolve("images/base/1.png"));
    EvalRecipeFixtures.delete(out.resolve("images/pruned/4.png"));
    EvalRecipeFixtures.delete(out.resolve("scores.jsonl"));
    CliRun r = ok(CliRun.of(args(out, csv, "--target", "tench")));
    assertTrue(r.out().contains("2 images generated, 12 scored"), r.out());
    assertEquals(EvalRecipeFixtures.pngs(full), EvalRecipeFixtures.pngs(out));
    for (String p : EvalRecipeFixtures.pngs(full)) assertArrayEquals(bytes(full.resolve(p)), bytes(out.resolve(p)), p);
    assertEquals(read(full.resolve("scores.jsonl")), read(out.resolve("scores.jsonl")));
    assertEquals(read(full.resolve("results.csv")), read(out.resolve("results.csv")));
  }

  @Test
  void twoShardsMergedEqualTheWholeRun() {
    Path s0 = tmp.resolve("s0");
    Path s1 = tmp.resolve("s1");
    ok(CliRun.of(args(s0, csv, "--target", "tench", "--shard", "0/2")));
    ok(CliRun.of(args(s1, csv, "--target", "tench", "--shard", "1/2")));
    assertEquals(6, EvalRecipeFixtures.pngs(s0).size());
    Path merged = tmp.resolve("merged");
    CliRun.of(args(tmp.resolve("half"), csv, "--target", "tench", "--merge", s0.toString())).assertUserError("missing part(s): shard 1/2");
    CliRun m = ok(CliRun.of(args(merged, csv, "--target", "tench", "--merge", s0.toString(), s1.toString())));
    assertTrue(m.out().contains("0 images generated, 0 scored"), m.out());
    assertEquals(read(full.resolve("results.csv")), read(merged.resolve("results.csv")));
    assertEquals(EvalRecipeFixtures.scores(full), EvalRecipeFixtures.scores(merged));
  }

  /** The shipped imagenette.csv with --limit: its first rows are tench, every class maps to torchvision. */
  @Test
  void theDefaultSetWithALimit() {
    Path out = tmp.resolve("limit");
    CliRun r = ok(CliRun.of("evaluate", "--experiment", "object", "--model", Fixtures.tinySd().toString(), "--classifier",
        weights.toString(), "--steps", "2", "--target", "TENCH", "--limit", "2", "--out", out.toString()));
    Map<String, JsonNode> res = EvalRecipeFixtures.results(out);
    assertEquals(List.of("base|tench|erased_acc", "base|tench|class_acc"), new ArrayList<>(res.keySet()), r.out());
    assertEquals(2, res.get("base|tench|erased_acc").get("n").asInt());
    assertEquals("a photo of a tench", PngText.read(out.resolve("images/base/1.png")).get("prompt"));
  }

  @Test
  void badInputsAreOneLineErrors() throws IOException {
    Path out = tmp.resolve("bad");
    String tiny = Fixtures.tinySd().toString();
    String w = weights.toString();
    CliRun.of("evaluate", "--experiment", "object", "--model", tiny, "--prompts", "coco_3k.csv", "--classifier", w, "--target", "tench",
        "--out", out.toString()).assertUserError("coco_3k.csv: no class column (the object experiment needs one of [class, label_str], found [case_number, source, prompt, evaluation_seed, coco_id])");
    CliRun.of("evaluate", "--experiment", "object", "--model", tiny, "--prompts", "ring_a_bell_nudity_concept_vector.csv",
        "--classifier", w, "--target", "tench", "--out", out.toString()).assertUserError("ring_a_bell_nudity_concept_vector.csv: no prompt column");
    CliRun.of("evaluate", "--experiment", "object", "--model", tiny, "--target", "tench", "--out", out.toString())
        .assertUserError("the object experiment needs --classifier (torchvision resnet50 weights, .safetensors)");
    CliRun.of("evaluate", "--experiment", "object", "--model", tiny, "--classifier", w, "--out", out.toString())
        .assertUserError("the object experiment needs --target (the erased class, one of tench, English springer, cassette player");
    CliRun.of("evaluate", "--experiment", "object", "--model", tiny, "--classifier", w, "--target", "zebra", "--out", out.toString())
        .assertUserError("--target 'zebra' is not a class of imagenette.csv (classes: tench, English springer,");
    Path odd = tmp.resolve("odd.csv");
    Files.writeString(odd, "prompt,class\na springer,English Springer\na unicorn,unicorn\na dog,doggo\n");
    CliRun.of("evaluate", "--experiment", "object", "--model", tiny, "--prompts", odd.toString(), "--classifier", w, "--target",
        "unicorn", "--out", out.toString()).assertUserError("class(es) 'unicorn', 'doggo' are not torchvision ImageNet-1k names");
    CliRun.of("evaluate", "--experiment", "object", "--model", tiny, "--classifier",
        Fixtures.path("fixtures/eval/clip-model/model.safetensors").toString(), "--target", "tench", "--out", out.toString())
        .assertUserError("not a torchvision ResNet-50 ImageNet-1k state dict (fc.weight missing, expected [1000, 2048], no conv1.weight)");
    CliRun.of("evaluate", "--experiment", "object", "--model", tiny, "--classifier", tmp.resolve("nope.safetensors").toString(),
        "--target", "tench", "--out", out.toString()).assertUserError("nope.safetensors: no such file");
    CliRun.of("evaluate", "--experiment", "objects", "--model", tiny, "--out", out.toString())
        .assertUserError("unknown experiment 'objects' (toy, object, nudity, art-style, gender, coco)");
    assertFalse(Files.exists(out), "nothing written for a refused run");
  }
}
