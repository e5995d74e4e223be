package org.conceptprune.prune;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.Progress;
import org.conceptprune.util.ProgressListener;
import org.conceptprune.util.UserError;

/**
 * Erase concepts end to end, for the {@code prune} command and for Java callers: the statistics pass
 * (cached), each concept's mask by the chosen {@link ErasureMethod}, their combination, the pruned
 * model in the input's layout, the mask patch and the JSON report.
 */
public final class Erasure {
  private Erasure() {}

  /**
   * @param settings the statistics pass of each concept, in the order of {@code concepts}
   * @param latents initial latents ([1,C,h,w] or one per pair), or null for the seeds
   * @param statsCache where statistics are cached (a rerun with another k, r2 or smaller t̂ reuses them)
   */
  public record Request(Path model, Path config, List<ConceptSpec> concepts, List<StatsSettings> settings,
      ErasureMethod method, float[] latents, Path out, Path maskOut, Path reportOut, Path statsCache, boolean overwrite) {
    /**
     * The command line's defaults: each concept's pass as {@link StatsSettings#of} (the method's seed and
     * records), OUT.mask.safetensors, OUT.report.json and OUT.stats/ beside OUT, the model's own configs.
     */
    public static Request of(Path model, List<ConceptSpec> concepts, ErasureMethod method, Path out) {
      List<StatsSettings> settings = concepts.stream().map(c -> StatsSettings.of(c, method)).toList();
      return new Request(model, null, concepts, settings, method, null, out, beside(out, ".mask.safetensors"),
          beside(out, ".report.json"), beside(out, ".stats"), false);
    }
  }

  /** OUT's companion file: OUT + suffix beside it. */
  public static Path beside(Path out, String suffix) {
    return out.resolveSibling(out.getFileName() + suffix);
  }

  /** What was erased: the combined mask, each concept's, and the work it took. */
  public record Result(MaskSet masks, List<MaskSet> perConcept, String baseModelHash, long unetParameters, int unetCalls,
      double seconds, ObjectNode report) {}

  /** Runs the erasure; the statistics pass's progress and the notes (cache hits, warnings) go to {@code log}. */
  public static Result run(Request r, ProgressListener log) {
    long start = System.nanoTime();
    try (ModelSource src = ModelSource.open(r.model(), r.config()); PruneJob job = new PruneJob(src, log)) {
      Map<String, Integer> widths = job.siteLayers(r.settings().get(0).site());
      for (int i = 0; i < r.concepts().size(); i++) {
        job.checkTimesteps(r.concepts().get(i).timesteps(), r.settings().get(i));
        if (r.method() instanceof ConceptPruneMethod) PruneJob.checkKCount(r.concepts().get(i).k(), widths, log);
      }
      if (r.method() instanceof FiaMethod fia) fia.check(r.concepts());
      long total = 0;
      for (int i = 0; i < r.concepts().size(); i++) {
        StatsSettings s = r.settings().get(i);
        total += (long) r.concepts().get(i).prompts().target().size() * s.latentSeeds() * r.concepts().get(i).timesteps();
      }
      Progress progress = new Progress("statistics (prompt pairs x UNet calls)", total, log);
      // The model is freed when the statistics are done: the masks and the pruned copy need the checkpoint only.
      List<PruneStats> stats = job.stats(r.concepts(), r.settings(), r.latents(), new StatsCache(r.statsCache()), progress);
      // Every setting that changes the mask: it goes into the patch, the pruned model and the report.
      MaskPatch.Settings settings = new MaskPatch.Settings().method(r.method(), r.concepts().size());
      List<MaskSet> perConcept = new ArrayList<>();
      for (int i = 0; i < r.concepts().size(); i++) {
        ConceptSpec c = r.concepts().get(i);
        StatsSettings s = r.settings().get(i);
        int tHat = s.site().inUnet ? c.timesteps() : 1; // the text encoder runs once per prompt
        MaskSet m = r.method().conceptMask(stats.get(i), job.weights(s.site().component()), c, tHat);
        perConcept.add(m);
        settings.addConcept(c, r.method(), s.metadata(), m.overall().pruned());
      }
      MaskSet masks = r.method().combine(perConcept);
      if (masks.overall().pruned() == 0) {
        String knobs = r.method() instanceof FiaMethod ? "r1, r2, alpha, t̂" : "k, t̂";
        String larger = r.method() instanceof FiaMethod ? "other --r2 or --alpha" : "a larger --k or --timesteps";
        throw new UserError("no weight was selected (" + knobs + " and the statistics give an empty mask), so nothing would be pruned;"
            + " the statistics are kept in " + r.statsCache() + " for a rerun with " + larger);
      }
      long unetParams = job.unetParameters();
      job.writePruned(r.out(), masks, PrunedWriter.ZERO,
          Map.of("conceptprune", settings.toJson(), "conceptprune_base_model_hash", job.modelHash()), r.overwrite());
      MaskPatch.write(r.maskOut(), masks, job.modelHash(), settings);
      double secs = (System.nanoTime() - start) / 1e9;
      ObjectNode report = settings.json();
      report.put("model", r.model().toString());
      report.put("base_model_hash", job.modelHash());
      report.put("output", r.out().toString());
      report.put("mask_patch", r.maskOut().toString());
      report.put("unet_calls", job.unetCalls);
      report.put("wall_seconds", secs);
      report.set("density", PruneJob.densityJson(masks, unetParams));
      AtomicFiles.writeString(r.reportOut(), report.toPrettyString());
      return new Result(masks, perConcept, job.modelHash(), unetParams, job.unetCalls, secs, report);
    }
  }
}
