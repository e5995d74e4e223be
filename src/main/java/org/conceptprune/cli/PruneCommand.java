package org.conceptprune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.Progress;
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
    List<ConceptSpec> specs = concepts.specs();
    float[] latents = sampling.readLatents();
    try (ModelSource src = ModelSource.open(model.model, model.config); PruneJob job = new PruneJob(src, err)) {
      PrunedWriter.checkDistinct(model.model, out);
      SchedulerKind kind = sampling.scheduler == null ? SchedulerKind.PNDM : sampling.schedulerKind();
      for (ConceptSpec c : specs) job.checkTimesteps(c.timesteps(), concepts.settings(c, sampling, kind));
      StatsCache cache = new StatsCache(statsCache != null ? statsCache : out.resolveSibling(out.getFileName() + ".stats"));
      long total = 0;
      for (ConceptSpec c : specs) total += (long) c.prompts().target().size() * c.timesteps();
      Progress progress = new Progress("statistics (prompt pairs x UNet calls)", total, err);
      List<MaskSet> perConcept = new ArrayList<>();
      ObjectNode report = new ObjectMapper().createObjectNode();
      ArrayNode cj = report.putArray("concepts");
      for (ConceptSpec c : specs) {
        StatsSettings s = concepts.settings(c, sampling, kind);
        PruneStats stats = job.stats(c, s, latents, cache, progress);
        int tHat = s.site().inUnet ? c.timesteps() : 1; // the text encoder runs once per prompt
        MaskSet m = stats.maskFor(job.weights(PruneJob.componentOf(s.site())), c.k(), tHat, rho, unskilled ? Variant.UNSKILLED : Variant.SKILLED);
        perConcept.add(m);
        ObjectNode o = cj.addObject();
        o.put("concept", c.name());
        o.put("family", c.family().cliName);
        o.put("k", c.k());
        o.put("timesteps", c.timesteps());
        o.put("pairs", c.prompts().target().size());
        o.set("settings", new ObjectMapper().valueToTree(s.metadata()));
        o.put("pruned_weights", m.overall().pruned());
      }
      MaskSet union = Masks.or(perConcept);
      long unetParams = job.unetParameters();
      Map<String, String> settings = new LinkedHashMap<>();
      settings.put("concepts", String.join(" | ", specs.stream().map(ConceptSpec::name).toList()));
      settings.put("rho", Double.toString(rho));
      settings.put("variant", unskilled ? "unskilled" : "skilled");
      String settingsJson = new ObjectMapper().valueToTree(report).toString();
      Map<String, String> meta = Map.of("conceptprune", settingsJson, "conceptprune_base_model_hash", job.modelHash());
      job.writePruned(out, union, PrunedWriter.ZERO, meta, overwrite);
      Path patch = maskOut != null ? maskOut : out.resolveSibling(out.getFileName() + ".mask.safetensors");
      MaskPatch.write(patch, union, Map.of(MaskPatch.BASE_MODEL_HASH, job.modelHash(), MaskPatch.SETTINGS, settingsJson));
      double secs = (System.nanoTime() - start) / 1e9;
      report.put("model", model.model.toString());
      report.put("base_model_hash", job.modelHash());
      report.put("output", out.toString());
      report.put("mask_patch", patch.toString());
      report.put("rho", rho);
      report.put("variant", unskilled ? "unskilled" : "skilled");
      report.put("unet_calls", job.unetCalls);
      report.put("wall_seconds", secs);
      report.set("density", PruneJob.densityJson(union, unetParams));
      Path reportFile = out.resolveSibling(out.getFileName() + ".report.json");
      AtomicFiles.writeString(reportFile, report.toPrettyString());
      stdout.print(PruneJob.densityText(union, unetParams));
      stdout.printf("pruned model: %s%nmask patch:   %s%nreport:       %s%nUNet calls: %d, wall time %.1f s%n", out, patch,
          reportFile, job.unetCalls, secs);
      return 0;
    }
  }

}
