package org.conceptprune.experiment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.conceptprune.eval.ImageNetClasses;
import org.conceptprune.eval.ImageNetScorer;
import org.conceptprune.eval.WeightFiles;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.prune.ModelHash;
import org.conceptprune.util.UserError;

/**
 * Object erasure, the paper's ImageNette table (ConceptPrune's {@code benchmarking/object_erase.py}):
 * every prompt of {@code imagenette.csv} (10 classes x 500, each row with its own seed) is generated
 * by every model and judged by torchvision's ResNet-50 ({@code ResNet50_Weights.IMAGENET1K_V2}, its
 * own transforms). An image is right when the top-1 class is the row's class (names matched
 * case-insensitively to torchvision's ImageNet names, as the script compares lower-cased names).
 *
 * <p>Per model and erased class t: {@code erased_acc} = top-1 accuracy on the rows of t,
 * {@code others_acc} = on the rows of the other classes (both with subject t, so a model is one line
 * of the table), and {@code class_acc} per class. As the script, "an image" in a prompt is read as
 * "a photo" ({@code prompt.replace("an image", "a photo")}).
 */
public final class ObjectExperiment implements Experiment {
  static final String NAME = "object";
  static final List<String> CLASS_COLUMNS = List.of("class", "label_str");
  /** ConceptPrune's rewrite of the UCE prompts ("an image of a tench" -> "a photo of a tench"). */
  static final String[] REWRITE = {"an image", "a photo"};
  private static final int BATCH = 8;

  private final GenerationSettings generation;
  private final PromptSet prompts;
  private final String classColumn;
  private final List<String> classes; // as spelled in the CSV, in order of first use
  private final Map<String, Integer> imagenet; // CSV class -> torchvision index
  private final List<String> targets; // as spelled in the CSV
  private final TensorSource weights; // opened (header checked) before any image is generated
  private final String weightsHash;
  private ImageNetScorer scorer; // loaded at the first score, not while the images are generated

  public ObjectExperiment(EvalOptions o) {
    generation = o.generation(GenerationSettings.sd());
    PromptSet raw = PromptSet.open(o.prompts() != null ? o.prompts() : "imagenette.csv");
    classColumn = classColumn(raw);
    prompts = rewrite(raw);
    classes = new ArrayList<>(new LinkedHashSet<>(prompts.rows().stream().map(r -> r.field(classColumn)).toList()));
    imagenet = imagenetIndices(prompts.name(), classes);
    targets = targets(o.targets(), classes, prompts.name());
    Path file = EvalOptions.require(o.classifier(), "--classifier", NAME, "torchvision resnet50 weights, .safetensors");
    weights = WeightFiles.open(file);
    ImageNetScorer.requireImageNet(weights, file);
    weightsHash = ModelHash.of(weights).substring(0, 16);
  }

  /** The column naming each row's class ({@code class}, or {@code label_str} as the script accepts). */
  static String classColumn(PromptSet p) {
    for (String want : CLASS_COLUMNS) {
      for (String h : p.columns()) if (h.strip().equalsIgnoreCase(want)) return h.strip();
    }
    throw new UserError(p.name() + ": no class column (the object experiment needs one of " + CLASS_COLUMNS + ", found "
        + p.columns() + ")");
  }

  /** The set with ConceptPrune's prompt rewrite; its hash covers the rewrite. */
  static PromptSet rewrite(PromptSet p) {
    List<PromptRow> rows = new ArrayList<>();
    for (PromptRow r : p.rows()) {
      rows.add(new PromptRow(r.index(), r.prompt().replace(REWRITE[0], REWRITE[1]), r.seed(), r.guidance(), r.batch(), r.slot(),
          r.fields()));
    }
    String hash = PromptSet.sha256((p.sha256() + "\nreplace '" + REWRITE[0] + "' -> '" + REWRITE[1] + "'").getBytes(StandardCharsets.UTF_8));
    return new PromptSet(p.name(), hash, p.columns(), rows);
  }

  /** Each class's index among torchvision's ImageNet names (case-insensitive); all unmatched in one error. */
  static Map<String, Integer> imagenetIndices(String set, List<String> classes) {
    Map<String, Integer> out = new LinkedHashMap<>();
    List<String> unmatched = new ArrayList<>();
    for (String c : classes) {
      int i = ImageNetClasses.indexOf(c);
      if (i < 0) unmatched.add("'" + c + "'");
      else out.put(c, i);
    }
    if (!unmatched.isEmpty()) {
      throw new UserError(set + ": class(es) " + String.join(", ", unmatched) + " are not torchvision ImageNet-1k names"
          + " (case-insensitive, e.g. 'English springer', 'chain saw'; the list: conceptprune/imagenet/classes.txt)");
    }
    return out;
  }

  /** The --target classes as the CSV spells them. */
  static List<String> targets(List<String> given, List<String> classes, String set) {
    if (given == null || given.isEmpty()) {
      throw new UserError("the object experiment needs --target (the erased class, one of " + String.join(", ", classes) + ")");
    }
    List<String> out = new ArrayList<>();
    for (String t : given) {
      String found = null;
      for (String c : classes) if (c.strip().equalsIgnoreCase(t.strip())) found = c;
      if (found == null) {
        throw new UserError("--target '" + t + "' is not a class of " + set + " (classes: " + String.join(", ", classes) + ")");
      }
      if (!out.contains(found)) out.add(found);
    }
    return out;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PromptSet prompts() {
    return prompts;
  }

  @Override
  public GenerationSettings generation() {
    return generation;
  }

  @Override
  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("target", String.join(", ", targets));
    // by content, not path: shards made on machines that keep the file elsewhere still merge
    m.put("classifier", "torchvision resnet50, weights hash " + weightsHash);
    m.put("preprocess", ImageNetScorer.PREPROCESS);
    m.put("prompt_rewrite", "'" + REWRITE[0] + "' -> '" + REWRITE[1] + "' (ConceptPrune object_erase.py)");
    return m;
  }

  @Override
  public List<ImageScore> score(String model, List<PromptRow> rows, List<RgbImage> images) {
    if (scorer == null) scorer = ImageNetScorer.load(weights);
    ImageNetScorer.Logits logits = scorer.logits(images, BATCH);
    List<ImageScore> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      PromptRow r = rows.get(i);
      int top = logits.top1(i);
      double right = top == imagenet.get(r.field(classColumn)) ? 1 : 0;
      out.add(new ImageScore(model, r.index(), Map.of("top1_correct", right), Map.of("predicted", ImageNetClasses.names().get(top))));
    }
    return out;
  }

  @Override
  public List<String> tableMetrics() {
    return List.of("erased_acc", "others_acc", "class_acc");
  }

  @Override
  public List<ResultRow> summarize(List<ImageScore> scores, List<String> models, String base) {
    Map<Integer, String> classOf = new LinkedHashMap<>();
    for (PromptRow r : prompts.rows()) classOf.put(r.index(), r.field(classColumn));
    List<ResultRow> out = new ArrayList<>();
    for (String m : models) {
      List<ImageScore> mine = scores.stream().filter(s -> s.model().equals(m)).toList();
      for (String t : targets) {
        add(out, m, t, "erased_acc", mine.stream().filter(s -> classOf.get(s.row()).equals(t)).toList());
        add(out, m, t, "others_acc", mine.stream().filter(s -> !classOf.get(s.row()).equals(t)).toList());
      }
      for (String c : classes) add(out, m, c, "class_acc", mine.stream().filter(s -> classOf.get(s.row()).equals(c)).toList());
    }
    return out;
  }

  /** A bootstrap row of the images' top-1 rightness; none for no images. */
  private static void add(List<ResultRow> out, String model, String subject, String metric, List<ImageScore> of) {
    double[] v = of.stream().mapToDouble(s -> s.values().get("top1_correct")).toArray();
    if (v.length > 0) out.add(Bootstrap.row(model, NAME, subject, metric, v));
  }

  /** Per-class accuracy, one bar per model in every class's group. */
  @Override
  public String reportHtml(List<ResultRow> rows, List<String> models) {
    return "<h2>Top-1 accuracy per class</h2>" + Plots.grouped("class_acc", rows, models, classes);
  }

  @Override
  public void close() {
    if (scorer != null) scorer.close();
    weights.close();
  }
}
