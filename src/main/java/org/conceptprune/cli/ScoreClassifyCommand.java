package org.conceptprune.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.conceptprune.eval.ClassRanking;
import org.conceptprune.eval.ImageNetScorer;
import org.conceptprune.eval.WeightFiles;
import org.conceptprune.eval.image.ImageNetTransforms;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code score classify --model W --image PNG... --out F.safetensors [--json F] [--top N]}: a torchvision
 * ResNet-50 on pictures preprocessed as {@code ResNet50_Weights.IMAGENET1K_V2} does. Writes
 * <pre>
 *   pixel_values  F32 [N, 3, 224, 224]   the network's input
 *   logits        F32 [N, classes]       (1,000 for ImageNet-1k)
 * </pre>
 * and with {@code --json} the top classes of each picture (index, ImageNet name, probability, logit).
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
    description = "Classify pictures with a torchvision ResNet-50 (ImageNet-1k) and write pixel_values and logits.")
public final class ScoreClassifyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "WEIGHTS",
      description = "torchvision resnet50 state dict: .safetensors (or a folder holding one).")
  Path model;

  @Option(names = {"-i", "--image"}, required = true, arity = "1..*", paramLabel = "IMAGE",
      description = "Pictures (PNG, JPEG, BMP) or folders of them (repeatable).")
  List<Path> images;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "Output .safetensors file.")
  Path out;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write each picture's top classes as JSON.")
  Path json;

  @Option(names = "--top", paramLabel = "N", defaultValue = "5", description = "Classes listed per picture (default ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--batch-size", paramLabel = "B", defaultValue = "8", description = "Pictures per forward pass (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() {
    if (top < 1) throw new UserError("--top must be at least 1, got " + top);
    if (batchSize < 1) throw new UserError("--batch-size must be at least 1, got " + batchSize);
    List<Path> files = expand(images);
    OutputPaths paths = OutputPaths.inputs().add("--model", model).addAll("--image", files);
    paths.check("--out", out);
    paths.add("--out", out).check("--json", json);
    int n = files.size();
    PrintWriter err = spec.commandLine().getErr();
    float[] pixels;
    ImageNetScorer.Logits logits;
    List<String> names;
    // The checkpoint is opened (its header checked) before the pictures are read.
    try (TensorSource src = WeightFiles.open(model)) {
      pixels = ImageNetTransforms.pixelValues(files);
      try (ImageNetScorer net = ImageNetScorer.load(src)) {
        err.println("runtime: " + TorchRuntime.describe());
        names = net.names();
        long t0 = System.nanoTime();
        logits = net.logits(pixels, n, batchSize);
        err.printf(Locale.ROOT, "classified %d picture(s) in %.2f s%n", n, (System.nanoTime() - t0) / 1e9);
      }
    }
    int classes = logits.classes();

    SafetensorsWriter w = new SafetensorsWriter();
    w.metadata("model", model.toString());
    w.metadata("images", JsonOption.JSON.valueToTree(files.stream().map(Path::toString).toList()).toString());
    w.metadata("preprocess", "torchvision " + ImageNetScorer.PREPROCESS);
    w.addFloats("pixel_values", new long[] {n, 3, ImageNetTransforms.CROP, ImageNetTransforms.CROP}, pixels);
    w.addFloats("logits", new long[] {n, classes}, logits.values());
    w.write(out);

    PrintWriter o = spec.commandLine().getOut();
    ArrayNode rows = report(files, logits, names, o);
    if (json != null) {
      ObjectNode root = JsonOption.JSON.createObjectNode();
      root.put("model", model.toString());
      root.put("classes", classes);
      root.set("images", rows);
      AtomicFiles.writeString(json, root.toPrettyString() + "\n");
    }
    o.println("wrote " + out + ": pixel_values [" + n + ", 3, 224, 224], logits [" + n + ", " + classes + "]"
        + (json != null ? "; " + json : ""));
    return 0;
  }

  /** Prints each picture's best class and returns the JSON rows of its top classes. */
  private ArrayNode report(List<Path> files, ImageNetScorer.Logits logits, List<String> names, PrintWriter o) {
    ArrayNode rows = JsonOption.JSON.createArrayNode();
    for (int i = 0; i < files.size(); i++) {
      List<ClassRanking.Entry> best = logits.top(i, Math.min(top, logits.classes()));
      ClassRanking.Entry first = best.get(0);
      o.printf(Locale.ROOT, "%s: %s (%d) %.4f%n", files.get(i), label(names, first.index()), first.index(), first.prob());
      ObjectNode r = rows.addObject();
      r.put("image", files.get(i).toString());
      ArrayNode t = r.putArray("top");
      for (ClassRanking.Entry e : best) {
        ObjectNode c = t.addObject();
        c.put("index", e.index());
        c.put("name", names == null ? null : names.get(e.index()));
        c.put("prob", e.prob());
        c.put("logit", e.logit());
      }
    }
    return rows;
  }

  private static String label(List<String> names, int index) {
    return names == null ? "class " + index : names.get(index);
  }

  /** Files as given, folders as their pictures in name order. */
  private static List<Path> expand(List<Path> given) {
    List<Path> files = new ArrayList<>();
    for (Path p : given) {
      if (!Files.isDirectory(p)) {
        files.add(p);
        continue;
      }
      try (Stream<Path> s = Files.list(p)) {
        List<Path> pics = s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|bmp)"))
            .sorted().toList();
        if (pics.isEmpty()) throw new UserError(p + ": folder holds no .png, .jpg or .bmp pictures");
        files.addAll(pics);
      } catch (IOException e) {
        throw new UserError(p + ": cannot list folder (" + e.getMessage() + ")", e);
      }
    }
    return files;
  }
}
