package org.conceptprune.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.conceptprune.eval.vit.StyleClassifier;
import org.conceptprune.util.OutputPaths;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code score style --model DIR --image PNG... --out F.safetensors [--top N]}: UnlearnDiffAtk's
 * WikiArt artist classifier (a transformers ViTForImageClassification folder). Writes
 *
 * <pre>
 *   pixel_values  F32 [N, 3, S, S]  ViTImageProcessor (PIL bilinear to S x S, (x/255 - 0.5)/0.5)
 *   logits        F32 [N, K]        K = the folder's id2label
 * </pre>
 * and prints each picture's top N artists with the pipeline's softmax scores.
 */
@Command(name = "style", mixinStandardHelpOptions = true,
    description = {"Artist style of images with UnlearnDiffAtk's WikiArt ViT classifier (129 artists),",
        "as transformers' pipeline(\"image-classification\") computes it."})
public final class ScoreStyleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "DIR", required = true,
      description = "A transformers ViTForImageClassification folder: config.json, preprocessor_config.json, model.safetensors or pytorch_model.bin.")
  Path model;

  @Mixin ScoredImages io;

  @Option(names = "--top", paramLabel = "N", defaultValue = "5", description = "Artists printed per picture (default ${DEFAULT-VALUE}).")
  int top;

  @Override
  public Integer call() {
    if (top < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--top must be at least 1, got " + top);
    io.check(OutputPaths.inputs().add("--model", model));
    StyleClassifier.Result r = StyleClassifier.score(new StyleClassifier.Request(model, io.images));
    int n = r.count();
    int k = r.labels().size();
    long s = ScoredImages.side(r.pixelValues(), n);
    PrintWriter o = spec.commandLine().getOut();
    for (int i = 0; i < n; i++) {
      String best = r.top(i, top).stream()
          .map(e -> String.format(Locale.ROOT, "%s %.4f", r.labels().get(e.index()), e.prob()))
          .collect(Collectors.joining(", "));
      o.printf(Locale.ROOT, "%s\t%s%n", io.images.get(i), best);
    }
    io.writer("ViTForImageClassification (UnlearnDiffAtk style classifier)")
        .metadata("model", model.toString())
        .metadata("labels", JsonOption.JSON.valueToTree(r.labels()).toString())
        .addFloats("pixel_values", new long[] {n, 3, s, s}, r.pixelValues())
        .addFloats("logits", new long[] {n, k}, r.logits())
        .write(io.out);
    o.println("wrote " + io.out);
    return 0;
  }
}
