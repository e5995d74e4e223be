package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.conceptprune.experiment.ToyErasure;
import org.conceptprune.experiment.ToyMethods;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.ConceptSpec;
import org.conceptprune.prune.FiaMethod;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ModelHash;
import org.conceptprune.prune.ModelWeights;
import org.conceptprune.prune.PruneStats;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.World;
import org.conceptprune.util.OutputPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code toy masks --concept C --k K --timesteps T --out DIR}: the masks {@code toy eval} and the toy
 * experiment derive (ConceptPrune with the toy's calibration prompts and DDIM statistics, seed + 100,
 * and random pruning of as many weights per layer, seed + 11), written as mask patches for
 * {@code apply-mask}, {@code evaluate --mask} and {@code attack --mask}.
 */
@Command(name = "masks", mixinStandardHelpOptions = true,
    description = "Write a toy concept's ConceptPrune mask and its random control as mask patches (cp-kK.mask.safetensors, random-kK.mask.safetensors).")
public final class ToyMasksCommand implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "DIR", description = "A toy model folder (default: the shipped one).")
  Path model;

  @Option(names = "--concept", required = true, paramLabel = "C", description = "A toy style or object.")
  String concept;

  @Option(names = "--k", paramLabel = "K", defaultValue = "" + ToyDefaults.K, description = "k (default ${DEFAULT-VALUE}).")
  double k;

  @Option(names = "--timesteps", paramLabel = "T", defaultValue = "" + ToyDefaults.T_HAT, description = "t̂ (default ${DEFAULT-VALUE}).")
  int tHat;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed as toy eval's (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--fia", description = "Also FIA's mask (r1 0.05, r2 chosen so it prunes as many weights as ConceptPrune) as fia-kK.mask.safetensors.")
  boolean fia;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Folder for the two patches.")
  Path out;

  @Override
  public Integer call() {
    ConceptSpec.checkK("--k", k);
    OutputPaths.inputs().add("--model", model).check("--out", out);
    Path dir = model != null ? model : ToyModel.extractBundled();
    World w = ToyModel.world(dir);
    boolean style = w.isStyleConcept(concept);
    String hash;
    try (ModelSource src = ModelSource.open(dir, null)) {
      hash = ModelHash.of(src.weights(Component.UNET));
    }
    try (StableDiffusion sd = StableDiffusion.loadFolder(dir)) {
      int idx = style ? w.styleIndex(concept) : w.objectIndex(concept);
      PruneStats st = ToyErasure.stats(w, sd, style, idx, tHat, ToyEval.Sampling.defaults(), ToyDefaults.statsSeed(seed), fia);
      MaskSet cp = ToyErasure.mask(sd, st, k, tHat);
      MaskSet rnd = ToyErasure.randomLike(cp, ToyDefaults.randomMaskSeed(seed));
      String tag = String.format(Locale.ROOT, "k%s", k);
      if (fia) {
        var f = ToyMethods.matched(FiaMethod.scores(st, ModelWeights.of(sd.unet), concept, tHat, ToyMethods.R1), ToyMethods.count(cp));
        write(out.resolve("fia-" + tag + ".mask.safetensors"), f.mask(), hash,
            String.format(Locale.ROOT, "FIA r1=%s r2=%.5f (as many weights as ConceptPrune)", ToyMethods.R1, f.r2()), tHat);
        System.out.printf(Locale.ROOT, "%s: FIA r1=%s r2=%.5f prunes %d weights%n", concept, ToyMethods.R1, f.r2(), ToyMethods.count(f.mask()));
      }
      write(out.resolve("cp-" + tag + ".mask.safetensors"), cp, hash, "ConceptPrune", tHat);
      write(out.resolve("random-" + tag + ".mask.safetensors"), rnd, hash, "random (as many weights per layer)", tHat);
      System.out.printf(Locale.ROOT, "%s: ConceptPrune k=%s t̂=%d prunes %d of %d ff.net.2 weights (%.2f%%); wrote %s and %s%n", concept, k, tHat,
          ToyErasure.count(cp), ToyErasure.ffn2Weights(sd), 100.0 * ToyErasure.count(cp) / ToyErasure.ffn2Weights(sd),
          out.resolve("cp-" + tag + ".mask.safetensors"), out.resolve("random-" + tag + ".mask.safetensors"));
    }
    return 0;
  }

  private void write(Path file, MaskSet m, String hash, String variant, int tHat) {
    MaskPatch.write(file, m, hash, new MaskPatch.Settings().concept(concept).k(k).timesteps(tHat).put("variant", variant)
        .put("seed", seed).put("source", "toy masks"));
  }
}
