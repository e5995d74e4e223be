package org.conceptprune.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.conceptprune.eval.clip.ClipEvaluator;
import org.conceptprune.eval.clip.ClipScoreState;
import org.conceptprune.eval.clip.ClipScorer;
import org.conceptprune.eval.clip.ClipScores;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code score clip --model DIR --image PNG... -p PROMPT... --out F.safetensors}: CLIP image and text
 * embeddings, cos(image i, prompt i) and torchmetrics' CLIPScore max(100 cos, 0); with
 * {@code --class}/{@code --classes}, zero-shot classification of each image. Writes
 *
 * <pre>
 *   pixel_values     F32 [N, 3, S, S]   CLIPImageProcessor of each image
 *   image_embeds     F32 [N, P]         get_image_features (projected, not normalised)
 *   text_embeds      F32 [N, P]         get_text_features of prompt i (with prompts)
 *   cosine           F32 [N]            cos(image i, prompt i)
 *   clip_score       F32 [N]            max(100 cosine, 0)
 *   zero_shot_probs  F32 [N, K]         softmax over the classes of exp(logit_scale) cos (with classes)
 *   zero_shot_class  I64 [N]            argmax
 * </pre>
 */
@Command(name = "clip", mixinStandardHelpOptions = true,
    description = "CLIP score of images against prompts (torchmetrics' CLIPScore) and zero-shot classification,"
        + " with a transformers CLIPModel folder (e.g. openai/clip-vit-large-patch14).")
public final class ScoreClipCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "DIR", required = true,
      description = "A transformers CLIPModel folder: config.json, model.safetensors, preprocessor_config.json, vocab.json, merges.txt.")
  Path model;

  @Option(names = "--image", paramLabel = "PNG", arity = "1..*", required = true,
      description = "Images to score (PNG, JPEG, BMP; any sizes: the CLIP preprocessing resizes and crops them).")
  List<Path> images;

  @Option(names = {"-p", "--prompt"}, paramLabel = "PROMPT", arity = "1..*",
      description = "One prompt per image (image i vs prompt i), or one prompt for all images.")
  List<String> prompts;

  @Option(names = "--class", paramLabel = "NAME", arity = "1..*", description = "Zero-shot classes (repeatable).")
  List<String> classes;

  @Option(names = "--classes", paramLabel = "FILE", description = "Zero-shot classes, one per line (UTF-8; blank lines skipped).")
  Path classesFile;

  @Option(names = "--template", paramLabel = "T", defaultValue = ClipEvaluator.DEFAULT_TEMPLATE,
      description = "Zero-shot prompt; {} is the class name (default '${DEFAULT-VALUE}').")
  String template;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true, description = "Output .safetensors file.")
  Path out;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the per-image numbers as JSON.")
  Path json;

  @Option(names = "--no-pixel-values",
      description = "Leave pixel_values out of --out (they take 600 KB per image at 224 px; needed past ~3,500 images).")
  boolean noPixelValues;

  @Override
  public Integer call() {
    List<String> classNames = classNames();
    if (prompts == null && classNames.isEmpty()) {
      throw new UserError("nothing to score: give prompts (-p, one per image or one for all) or zero-shot classes (--class/--classes)");
    }
    int n = images.size();
    List<String> pairs = ClipScores.paired(prompts, n);
    if (!classNames.isEmpty()) ClipEvaluator.prompts(classNames, template); // checks the template first
    for (Path p : images) if (!Files.isRegularFile(p)) throw new UserError(p + ": no such image file"); // before the model loads
    OutputPaths paths = OutputPaths.inputs().add("--model", model).addAll("--image", images).add("--classes", classesFile);
    paths.check("--out", out);
    paths.add("--out", out).check("--json", json);

    PrintWriter o = spec.commandLine().getOut();
    try (ClipScorer scorer = ClipScorer.load(model, ClipEvaluator.BATCH)) {
      ClipEvaluator clip = scorer.evaluator();
      spec.commandLine().getErr().println("runtime: " + TorchRuntime.describe());
      int d = clip.projectionDim();
      int s = clip.imageSize();
      float[] pixels = noPixelValues ? null : new float[ClipEvaluator.pixelFloats(n, s)];
      float[] imageEmbeds = clip.embedImages(images, pixels);
      SafetensorsWriter w = new SafetensorsWriter();
      w.metadata("model", model.toString());
      w.metadata("images", JsonOption.JSON.valueToTree(images.stream().map(Path::toString).toList()).toString());
      w.metadata("logit_scale", Double.toString(clip.logitScale()));
      if (pixels != null) w.addFloats("pixel_values", new long[] {n, 3, s, s}, pixels);
      w.addFloats("image_embeds", new long[] {n, d}, imageEmbeds);
      ObjectNode report = JsonOption.JSON.createObjectNode();
      report.put("model", model.toString());
      report.put("logit_scale", clip.logitScale());
      ArrayNode rows = report.putArray("images");
      for (Path p : images) rows.addObject().put("image", p.toString());

      if (pairs != null) scorePairs(scorer, pairs, imageEmbeds, d, w, report, rows, o);
      if (!classNames.isEmpty()) zeroShot(scorer, classNames, imageEmbeds, w, report, rows, o);
      w.write(out);
      if (json != null) AtomicFiles.writeString(json, report.toPrettyString() + "\n");
      o.println("wrote " + out + (json != null ? " and " + json : ""));
    }
    return 0;
  }

  /** Image i against prompt i: cosine and CLIPScore per image, their mean. */
  private void scorePairs(ClipScorer clip, List<String> pairs, float[] imageEmbeds, int d, SafetensorsWriter w,
      ObjectNode report, ArrayNode rows, PrintWriter o) {
    int n = images.size();
    for (String p : new java.util.LinkedHashSet<>(pairs)) {
      if (clip.evaluator().truncated(p)) {
        spec.commandLine().getErr().println("warning: prompt '" + p + "' is longer than 77 tokens; CLIP sees its start only");
      }
    }
    ClipScorer.Paired paired = clip.paired(imageEmbeds, pairs);
    double[] cos = paired.cosines();
    float[] cosF = new float[n];
    float[] score = new float[n];
    for (int i = 0; i < n; i++) {
      cosF[i] = (float) cos[i];
      score[i] = (float) ClipScores.clipScore(cos[i]);
      ((ObjectNode) rows.get(i)).put("prompt", pairs.get(i)).put("cosine", cos[i]).put("clip_score", ClipScores.clipScore(cos[i]));
      o.printf(Locale.ROOT, "%s\tclip_score %.4f\tcos %.6f\t%s%n", images.get(i), score[i], cos[i], pairs.get(i));
    }
    double mean = ClipScoreState.EMPTY.update(cos).compute();
    report.put("clip_score_mean", mean);
    w.metadata("prompts", JsonOption.JSON.valueToTree(pairs).toString());
    w.addFloats("text_embeds", new long[] {n, d}, paired.textEmbeds());
    w.addFloats("cosine", new long[] {n}, cosF);
    w.addFloats("clip_score", new long[] {n}, score);
    o.printf(Locale.ROOT, "CLIPScore (torchmetrics: max(mean 100 cos, 0)) over %d pair(s): %.4f%n", n, mean);
  }

  private void zeroShot(ClipScorer clip, List<String> classNames, float[] imageEmbeds, SafetensorsWriter w,
      ObjectNode report, ArrayNode rows, PrintWriter o) {
    int n = images.size();
    int k = classNames.size();
    ClipEvaluator.ZeroShot z = clip.zeroShot(imageEmbeds, ClipEvaluator.prompts(classNames, template));
    float[] probs = new float[n * k];
    long[] pred = new long[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) probs[i * k + j] = (float) z.probs()[i][j];
      pred[i] = z.predicted()[i];
      ObjectNode r = (ObjectNode) rows.get(i);
      r.put("class", classNames.get(z.predicted()[i])).put("class_prob", z.probs()[i][z.predicted()[i]]);
      ObjectNode all = r.putObject("class_probs");
      for (int j = 0; j < k; j++) all.put(classNames.get(j), z.probs()[i][j]);
      o.printf(Locale.ROOT, "%s\tclass %s (p %.4f)%n", images.get(i), classNames.get(z.predicted()[i]), z.probs()[i][z.predicted()[i]]);
    }
    report.put("template", template);
    report.set("classes", JsonOption.JSON.valueToTree(classNames));
    w.metadata("classes", JsonOption.JSON.valueToTree(classNames).toString());
    w.metadata("template", template);
    w.addFloats("zero_shot_probs", new long[] {n, k}, probs);
    w.addLongs("zero_shot_class", new long[] {n}, pred);
  }

  private List<String> classNames() {
    List<String> out = new ArrayList<>();
    if (classes != null) out.addAll(classes);
    if (classesFile != null) {
      try {
        for (String line : Files.readAllLines(classesFile, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) out.add(line.strip());
        }
      } catch (NoSuchFileException e) {
        throw new UserError(classesFile + ": no such classes file");
      } catch (IOException e) {
        throw new UserError(classesFile + ": cannot read the classes (" + e.getMessage() + ")", e);
      }
      if (out.isEmpty()) throw new UserError(classesFile + ": no class names in the file");
    }
    return out;
  }

}
