package org.conceptprune.cli;

import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.conceptprune.eval.fid.FeatureFile;
import org.conceptprune.eval.fid.FidFeatureExtractor;
import org.conceptprune.eval.fid.FidInceptionV3;
import org.conceptprune.eval.fid.FidWeights;
import org.conceptprune.eval.fid.ImageSet;
import org.conceptprune.eval.image.ImageFiles;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.Progress;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.ProgressListener;
import org.conceptprune.util.UserError;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code score fid-features --model W (--raw X | --image PNG... | --images DIR) --out F}: pool3 [N, 2048]
 * of pytorch-fid's FID Inception-v3, written with the provenance of the features.
 */
@Command(name = "fid-features", mixinStandardHelpOptions = true,
    description = "Embed images with pytorch-fid's FID Inception-v3 and write pool3 [N, 2048] (a reusable feature cache).")
public final class ScoreFidFeaturesCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "W", required = true,
      description = "FID Inception weights: .safetensors (or pytorch-fid's pt_inception-2015-12-05-6726825d.pth).")
  Path model;

  static final class Input {
    @Option(names = "--raw", paramLabel = "IMAGES.safetensors", description = "Float images [N, H, W, 3] in [0, 1] (tensor 'images').")
    Path raw;

    @Option(names = "--image", paramLabel = "PNG", arity = "1..*", description = "Image files (PNG, JPEG, BMP).")
    List<Path> images;

    @Option(names = "--images", paramLabel = "DIR", description = "A folder: its .png/.jpg/.jpeg/.bmp files in name order.")
    Path dir;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  @Option(names = {"-o", "--out"}, paramLabel = "F.safetensors", required = true, description = "Output feature file.")
  Path out;

  @Option(names = "--batch-size", paramLabel = "B", defaultValue = "16", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() {
    if (batchSize < 1) throw new UserError("--batch-size must be at least 1, got " + batchSize);
    OutputPaths.inputs().add("--model", model).add("--raw", input.raw).addAll("--image", input.images).add("--images", input.dir)
        .check("--out", out);
    PrintWriter err = spec.commandLine().getErr();
    long t0 = System.nanoTime();
    SafetensorsFile rawFile = input.raw == null ? null : SafetensorsFile.open(input.raw);
    try (TensorSource weights = FidWeights.open(model); NDManager m = TorchRuntime.newManager()) {
      ImageSet images = rawFile != null ? ImageSet.raw(rawFile)
          : ImageSet.files(input.images != null ? input.images : ImageFiles.listImages(input.dir));
      FidInceptionV3 net = FidInceptionV3.load(weights, m);
      String modelHash = FidWeights.contentHash(weights);
      Progress progress = new Progress("fid-features", images.size(), ProgressListener.printing(err));
      FidFeatureExtractor.Features f = new FidFeatureExtractor(net, m, batchSize).run(images, progress);
      FeatureFile.write(out, f.pool3(), f.n(),
          FeatureFile.provenance(model.getFileName().toString(), modelHash, images, f.imageSetSha256()));
      double secs = (System.nanoTime() - t0) / 1e9;
      spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: pool3 [%d, %d] (%.1f s, %.2f images/s; %s)%n",
          out, f.n(), FidInceptionV3.FEATURES, secs, f.n() / secs, TorchRuntime.describe());
    } finally {
      if (rawFile != null) rawFile.close();
    }
    return 0;
  }


}
