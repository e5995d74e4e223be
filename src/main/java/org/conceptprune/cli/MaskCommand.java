package org.conceptprune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.prune.ConceptSpec;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.Masks;
import org.conceptprune.prune.PruneJob;
import org.conceptprune.prune.PruneStats;
import org.conceptprune.prune.Variant;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mask MODEL --stats F... --k 0.01,0.02 --timesteps 5,10 --out DIR}: masks from cached
 * statistics for every (k, t̂) of a sweep, without running the UNet; one mask patch per setting and a
 * density report.
 */
@Command(name = "mask", mixinStandardHelpOptions = true,
    description = "Derive masks from cached statistics (no UNet) for one or many k and t̂; writes mask patches and densities.")
public final class MaskCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;

  @Option(names = "--stats", paramLabel = "FILE", required = true, description = "Statistics of a concept (from stats or prune); repeatable: the masks are united.")
  List<Path> stats;

  @Option(names = "--k", paramLabel = "K", split = ",", required = true, description = "One or more k, comma-separated.")
  List<Double> ks;

  @Option(names = "--timesteps", paramLabel = "T", split = ",", required = true, description = "One or more t̂, comma-separated.")
  List<Integer> timesteps;

  @Option(names = "--rho", paramLabel = "R", defaultValue = "0", description = "Vote threshold (default 0: the plain OR).")
  double rho;

  @Option(names = "--unskilled", description = "The unskilled neurons instead (control).")
  boolean unskilled;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true, description = "Folder for mask-k<K>-t<T>.safetensors and masks.json.")
  Path out;

  @Override
  public Integer call() {
    model.inputs().addAll("--stats", stats).check("--out", out);
    for (double k : ks) ConceptSpec.checkK(k);
    for (int t : timesteps) if (t < 1) throw new UserError("t̂ must be >= 1, got " + t);
    List<PruneStats> all = new ArrayList<>();
    for (Path p : stats) all.add(PruneStats.read(p));
    var o = spec.commandLine().getOut();
    try (ModelSource src = ModelSource.open(model.model, model.config); PruneJob job = new PruneJob(src, spec.commandLine().getErr())) {
      String hash = job.modelHash();
      for (int i = 0; i < all.size(); i++) {
        String h = all.get(i).metadata().get("model_hash");
        if (h != null && !h.equals(hash)) {
          throw new UserError(stats.get(i) + " was computed on another model (hash " + h.substring(0, 12) + "..., this model " + hash.substring(0, 12) + "...)");
        }
      }
      long params = job.unetParameters();
      var weights = job.weights(PruneJob.componentOf(all.get(0).layers()));
      Map<String, Integer> widths = new TreeMap<>();
      for (PruneStats ps : all) for (String l : ps.layers()) widths.put(l, ps.layer(l).in());
      for (double k : ks) PruneJob.checkKCount(k, widths, spec.commandLine().getErr());
      Variant variant = Variant.of(unskilled);
      ObjectMapper om = new ObjectMapper();
      ArrayNode rows = om.createArrayNode();
      o.printf("%8s %5s %10s %12s %10s %8s%n", "k", "t̂", "pruned", "% of FFN", "% of UNet", "seconds");
      for (double k : ks) {
        for (int t : timesteps) {
          long s0 = System.nanoTime();
          List<MaskSet> per = new ArrayList<>();
          for (PruneStats ps : all) per.add(ps.maskFor(weights, k, t, rho, variant));
          MaskSet m = Masks.or(per);
          double secs = (System.nanoTime() - s0) / 1e9;
          Path f = out.resolve(String.format(Locale.ROOT, "mask-k%s-t%d.safetensors", k, t));
          // Every setting that changes the mask, with each statistics file's own settings.
          ObjectNode settings = om.createObjectNode().put("k", k).put("timesteps", t).put("rho", rho)
              .put("variant", variant.cliName);
          ArrayNode sl = settings.putArray("stats");
          for (int i = 0; i < stats.size(); i++) {
            sl.addObject().put("file", stats.get(i).toString()).set("metadata", om.valueToTree(all.get(i).metadata()));
          }
          MaskPatch.write(f, m, Map.of(MaskPatch.BASE_MODEL_HASH, hash, MaskPatch.SETTINGS, settings.toString()));
          MaskSet.Density d = m.overall();
          o.printf(Locale.ROOT, "%8s %5d %10d %11.4f%% %9.4f%% %8.3f%n", k, t, d.pruned(), 100 * d.fraction(), 100.0 * d.pruned() / params, secs);
          ObjectNode row = settings.deepCopy();
          row.put("mask_patch", f.toString());
          row.put("derive_seconds", secs);
          row.set("density", PruneJob.densityJson(m, params));
          rows.add(row);
        }
      }
      AtomicFiles.writeString(out.resolve("masks.json"), rows.toPrettyString());
      o.println("wrote " + rows.size() + " mask patch(es) and " + out.resolve("masks.json"));
      return 0;
    }
  }
}
