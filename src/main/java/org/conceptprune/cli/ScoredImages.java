package org.conceptprune.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Option;

/** {@code --image PNG... -o F.safetensors}: the pictures a score command reads and the tensor file it writes. */
public final class ScoredImages {
  @Option(names = "--image", paramLabel = "PNG", arity = "1..*", required = true, description = "Pictures to score (PNG, JPEG, BMP).")
  List<Path> images;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true, description = "Output .safetensors file.")
  Path out;

  /** Every picture exists and --out is none of the inputs (checked before any model loads). */
  void check(OutputPaths inputs) {
    for (Path p : images) if (!Files.isRegularFile(p)) throw new UserError(p + ": no such image file");
    inputs.addAll("--image", images).check("--out", out);
  }

  /** A writer whose metadata names the evaluator and the pictures, in order. */
  SafetensorsWriter writer(String evaluator) {
    return new SafetensorsWriter().metadata("evaluator", evaluator)
        .metadata("images", JsonOption.JSON.valueToTree(images.stream().map(Path::toString).toList()).toString());
  }

  /** S of pixel values [N, 3, S, S]. */
  static long side(float[] pixelValues, int n) {
    return Math.round(Math.sqrt(pixelValues.length / 3.0 / n));
  }
}
