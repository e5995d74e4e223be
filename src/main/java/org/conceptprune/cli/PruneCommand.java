package org.conceptprune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.prune.ConceptSpec;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.Masks;
import org.conceptprune.prune.PruneJob;
import org.conceptprune.prune.PruneStats;
import org.conceptprune.prune.PrunedWriter;
import org.conceptprune.prune.StatsCache;
import org.conceptprune.prune.StatsSettings;
import org.conceptprune.prune.Variant;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.Progress;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code prune MODEL --concept ... --out OUT}: statistics, masks, the pruned model, a mask patch, a report. */
@Command(name = "prune", mixinStandardHelpOptions = true,
    description = "Erase concepts: find their skilled neurons in the FFN layers and write the pruned model (input's layout), a mask patch and a JSON report.")
public final class PruneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;
  @Mixin SamplingOptions sampling;
  @Mixin ConceptOptions concepts;

  @Option(names = {"-o", "--out"}, paramLabel = "OUT", required = true,
      description = "The pruned model: a folder for a diffusers input, a .safetensors file for a single-file input.")
  Path out;

  @Option(names = "--rho", paramLabel = "R", defaultValue = "0", description = "Vote threshold: keep a weight pruned only if skilled in more than R*t̂ calls (default 0: the plain OR).")
  double rho;

  @Option(names = "--unskilled", description = "Select the unskilled neurons instead (the paper's disentanglement control).")
  boolean unskilled;

  @Option(names = "--mask-out", paramLabel = "FILE", description = "The mask patch (default: OUT.mask.safetensors).")
  Path maskOut;

  @Option(names = "--stats-cache", paramLabel = "DIR", description = "Where statistics are cached (default: OUT.stats/); a rerun with another k or a smaller t̂ reuses them.")
  Path statsCache;

  @Option(names = "--overwrite", description = "Replace OUT if it exists.")
  boolean overwrite;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    var err = spec.commandLine().getErr();
    var stdout = spec.commandLine().getOut();
    Variant variant = Variant.of(unskilled);
    Path patch = maskOut != null ? maskOut : sibling(out, ".mask.safetensors");
    Path reportFile = sibling(out, ".report.json");
    Path cacheDir = statsCache != null ? statsCache : sibling(out, ".stats");
    // Every output is checked before anything runs; they are products of one run, so --overwrite covers all.
    OutputPaths paths = concepts.inputs(model.inputs().add("--latents", sampling.latents));
    paths.check("--out", out, overwrite);
    paths.check("--mask-out", patch, overwrite);
    paths.check("the report", reportFile, overwrite);
    paths.check("--stats-cache", cacheDir);
    List<ConceptSpec> specs = concepts.specs();
    float[] latents = sampling.readLatents();
    try (ModelSource src = ModelSource.open(model.model, model.config); PruneJob job = new PruneJob(src, err)) {
      Map<String, Integer> widths = job.siteLayers(concepts.site());
      for (ConceptSpec c : specs) {
        job.checkTimesteps(c.timesteps(), concepts.settings(c, sampling));
        PruneJob.checkKCount(c.k(), widths, err);
      }
      StatsCache cache = new StatsCache(cacheDir);
      long total = 0;
      for (ConceptSpec c : specs) total += (long) c.prompts().target().size() * c.timesteps();
      Progress progress = new Progress("statistics (prompt pairs x UNet calls)", total, err);
      List<MaskSet> perConcept = new ArrayList<>();
      ObjectMapper om = new ObjectMapper();
      // Every setting that changes the mask: it goes into the patch, the pruned model and the report.
      ObjectNode settings = om.createObjectNode();
      settings.put("rho", rho);
      settings.put("variant", variant.cliName);
      ArrayNode cj = settings.putArray("concepts");
      List<StatsSettings> statsSettings = specs.stream().map(c -> concepts.settings(c, sampling)).toList();
      // The model is freed when the statistics are done: the masks and the pruned copy need the checkpoint only.
      List<PruneStats> allStats = job.stats(specs, statsSettings, latents, cache, progress);
      for (int i = 0; i < specs.size(); i++) {
        ConceptSpec c = specs.get(i);
        StatsSettings s = statsSettings.get(i);
        PruneStats stats = allStats.get(i);
        int tHat = s.site().inUnet ? c.timesteps() : 1; // the text encoder runs once per prompt
        MaskSet m = stats.maskFor(job.weights(s.site().component()), c.k(), tHat, rho, variant);
        perConcept.add(m);
        ObjectNode o = cj.addObject();
        o.put("concept", c.name());
        o.put("family", c.family().cliName);
        o.put("k", c.k());
        o.put("timesteps", c.timesteps());
        o.put("pairs", c.prompts().target().size());
        o.set("settings", om.valueToTree(s.metadata()));
        o.put("pruned_weights", m.overall().pruned());
      }
      MaskSet union = Masks.or(perConcept);
      if (union.overall().pruned() == 0) {
        throw new UserError("no weight was selected (k, t̂ and the statistics give an empty mask), so nothing would be pruned;"
            + " the statistics are kept in " + cacheDir + " for a rerun with a larger --k or --timesteps");
      }
      long unetParams = job.unetParameters();
      String settingsJson = settings.toString();
      Map<String, String> meta = Map.of("conceptprune", settingsJson, "conceptprune_base_model_hash", job.modelHash());
      job.writePruned(out, union, PrunedWriter.ZERO, meta, overwrite);
      MaskPatch.write(patch, union, Map.of(MaskPatch.BASE_MODEL_HASH, job.modelHash(), MaskPatch.SETTINGS, settingsJson));
      double secs = (System.nanoTime() - start) / 1e9;
      ObjectNode report = settings.deepCopy();
      report.put("model", model.model.toString());
      report.put("base_model_hash", job.modelHash());
      report.put("output", out.toString());
      report.put("mask_patch", patch.toString());
      report.put("unet_calls", job.unetCalls);
      report.put("wall_seconds", secs);
      report.set("density", PruneJob.densityJson(union, unetParams));
      AtomicFiles.writeString(reportFile, report.toPrettyString());
      stdout.print(PruneJob.densityText(union, unetParams));
      stdout.printf("pruned model: %s%nmask patch:   %s%nreport:       %s%nUNet calls: %d, wall time %.1f s%n", out, patch,
          reportFile, job.unetCalls, secs);
      return 0;
    }
  }

  /** OUT's companion file: OUT + suffix beside it. */
  static Path sibling(Path out, String suffix) {
    return out.resolveSibling(out.getFileName() + suffix);
  }
}
