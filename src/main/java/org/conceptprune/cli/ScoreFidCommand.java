package org.conceptprune.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.conceptprune.eval.fid.FeatureFile;
import org.conceptprune.eval.fid.FrechetDistance;
import org.conceptprune.eval.fid.GaussianStats;
import org.conceptprune.eval.fid.KernelInceptionDistance;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code score fid --features A --features B [--json F] [--kid]}: pytorch-fid's Fréchet distance between
 * the Gaussians of two feature sets, and optionally clean-fid's KID. Prints {@code {"fid": v}}.
 */
@Command(name = "fid", mixinStandardHelpOptions = true,
    description = "FID (pytorch-fid's calculate_frechet_distance) and optionally KID (clean-fid's estimator) of two feature files.")
public final class ScoreFidCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--features", paramLabel = "F.safetensors", required = true,
      description = "A feature file with 'pool3' or 'features' [N, D]; give exactly two.")
  List<Path> features;

  @Option(names = "--json", paramLabel = "F", description = "Also write the result to this JSON file.")
  Path json;

  @Option(names = "--kid", description = "Also compute KID (mean and std over subsets).")
  boolean kid;

  @Option(names = "--kid-subsets", paramLabel = "S", defaultValue = "100", description = "KID subsets (default ${DEFAULT-VALUE}).")
  int kidSubsets;

  @Option(names = "--kid-subset-size", paramLabel = "M", defaultValue = "1000",
      description = "Largest KID subset (default ${DEFAULT-VALUE}; m = min(n1, n2, M)).")
  int kidSubsetSize;

  @Option(names = "--kid-seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of the KID subset draws (default ${DEFAULT-VALUE}).")
  long kidSeed;

  @Override
  public Integer call() {
    if (features.size() != 2) throw new UserError("--features must be given exactly twice, got " + features.size());
    if (kid && kidSubsets < 1) throw new UserError("--kid-subsets must be at least 1, got " + kidSubsets);
    if (kid && kidSubsetSize < 2) throw new UserError("--kid-subset-size must be at least 2, got " + kidSubsetSize);
    FeatureFile.Features a = FeatureFile.read(features.get(0));
    FeatureFile.Features b = FeatureFile.read(features.get(1));
    if (a.d() != b.d()) {
      throw new UserError(a.file() + " has " + a.d() + "-d features but " + b.file() + " has " + b.d()
          + "-d; both must come from the same model layer");
    }
    warnIfDifferent(a, b, "model_sha256", "were embedded by different models");
    warnIfDifferent(a, b, "preprocessing", "were preprocessed differently");
    double fid;
    try {
      fid = FrechetDistance.of(GaussianStats.of(a.values(), a.n(), a.d()), GaussianStats.of(b.values(), b.n(), b.d()));
    } catch (ArithmeticException e) { // pytorch-fid's ValueError: the features give no real square root
      throw new UserError("FID of " + a.file() + " and " + b.file() + " failed: " + e.getMessage(), e);
    }
    ObjectNode r = JsonOption.JSON.createObjectNode();
    r.put("fid", fid);
    if (kid) {
      KernelInceptionDistance.Result k = KernelInceptionDistance.compute(a.values(), a.n(), b.values(), b.n(), a.d(),
          kidSubsets, kidSubsetSize, kidSeed);
      r.put("kid_mean", k.mean());
      r.put("kid_std", k.std());
      r.put("kid_subsets", k.subsets());
      r.put("kid_subset_size", k.subsetSize());
      r.put("kid_seed", k.seed());
    }
    String text = r.toString();
    spec.commandLine().getOut().println(text);
    if (json != null) AtomicFiles.writeString(json, text + "\n");
    return 0;
  }

  /** FID of features from two different networks or input pipelines is meaningless: say so (not an error). */
  private void warnIfDifferent(FeatureFile.Features a, FeatureFile.Features b, String key, String what) {
    String x = a.metadata().get(key);
    String y = b.metadata().get(key);
    if (x != null && y != null && !x.equals(y)) {
      spec.commandLine().getErr().println("warning: " + a.file() + " and " + b.file() + " " + what + " (" + key + " differs)");
    }
  }
}
