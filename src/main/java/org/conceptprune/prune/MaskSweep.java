package org.conceptprune.prune;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.ProgressListener;
import org.conceptprune.util.UserError;

/**
 * Masks from cached statistics for every setting of a sweep (ConceptPrune's k, or FIA's r1 x r2 x
 * alpha, each with every t̂), without running the UNet: one mask patch per setting and
 * {@code masks.json} with each setting's density; for the {@code mask} command and Java callers.
 */
public final class MaskSweep {
  private MaskSweep() {}

  /** The settings a sweep runs through, one method's. */
  public sealed interface Grid permits ConceptPruneGrid, FiaGrid {}

  /** ConceptPrune: every k; rho and the variant are one for the sweep. */
  public record ConceptPruneGrid(List<Double> ks, double rho, boolean unskilled) implements Grid {}

  /**
   * FIA: every r1 x r2 x alpha; an empty list takes the first concept's family default.
   *
   * @param fusion paper or reference ({@link Fia.Fusion#fromCli})
   */
  public record FiaGrid(List<Double> r1s, List<Double> r2s, List<Double> alphas, Map<String, Double> r2For, String fusion)
      implements Grid {}

  /** @param stats statistics files, one per concept (the masks are combined by the method) */
  public record Request(Path model, Path config, List<Path> stats, Grid grid, List<Integer> timesteps, Path out) {}

  /** One patch written: its setting (the file name without .safetensors), t̂, its density and the time it took. */
  public record Row(String setting, int tHat, MaskSet.Density density, long unetParameters, double seconds, Path patch) {}

  /** Hears the notes (k warnings) and each patch as it is written, e.g. to print a table. */
  public interface Listener extends ProgressListener {
    /** The checks passed; the first mask comes next. */
    default void started() {}

    default void written(Row row) {}
  }

  /** Every patch and masks.json (the rows with each setting's keys). */
  public record Result(List<Row> rows, Path report) {}

  /** One setting of the sweep: the method, t̂, the concepts it runs on and the patch's file name. */
  private record Setting(ErasureMethod method, int tHat, List<ConceptSpec> concepts, String file) {}

  public static Result run(Request r, Listener listener) {
    for (int t : r.timesteps()) if (t < 1) throw new UserError("t̂ must be >= 1, got " + t);
    List<PruneStats> all = new ArrayList<>();
    for (Path p : r.stats()) all.add(PruneStats.read(p));
    List<Setting> sweep = r.grid() instanceof FiaGrid fia ? fiaSweep(fia, all, r.timesteps()) :
        conceptPruneSweep((ConceptPruneGrid) r.grid(), all, r.timesteps());
    try (ModelSource src = ModelSource.open(r.model(), r.config()); PruneJob job = new PruneJob(src, listener)) {
      String hash = job.modelHash();
      for (int i = 0; i < all.size(); i++) {
        String h = all.get(i).metadata().get("model_hash");
        if (h != null && !h.equals(hash)) {
          throw new UserError(r.stats().get(i) + " was computed on another model (hash " + h.substring(0, 12) + "..., this model " + hash.substring(0, 12) + "...)");
        }
      }
      long params = job.unetParameters();
      var weights = job.weights(PruneJob.componentOf(all.get(0).layers()));
      if (r.grid() instanceof ConceptPruneGrid cp) {
        Map<String, Integer> widths = new TreeMap<>();
        for (PruneStats ps : all) for (String l : ps.layers()) widths.put(l, ps.layer(l).in());
        for (double k : cp.ks()) PruneJob.checkKCount(k, widths, listener);
      }
      listener.started();
      ArrayNode rows = JsonNodeFactory.instance.arrayNode();
      List<Row> done = new ArrayList<>();
      for (Setting s : sweep) {
        long s0 = System.nanoTime();
        List<MaskSet> per = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) per.add(s.method().conceptMask(all.get(i), weights, s.concepts().get(i), s.tHat()));
        MaskSet m = s.method().combine(per);
        double secs = (System.nanoTime() - s0) / 1e9;
        Path f = r.out().resolve(s.file());
        MaskPatch.Settings settings = settings(s, r.stats(), all);
        MaskPatch.write(f, m, hash, settings);
        Row row = new Row(s.file().replace(".safetensors", ""), s.tHat(), m.overall(), params, secs, f);
        done.add(row);
        listener.written(row);
        ObjectNode json = settings.json();
        json.put("mask_patch", f.toString());
        json.put("derive_seconds", secs);
        json.set("density", PruneJob.densityJson(m, params));
        rows.add(json);
      }
      Path report = r.out().resolve("masks.json");
      AtomicFiles.writeString(report, rows.toPrettyString());
      return new Result(done, report);
    }
  }

  /** Every setting that changes the mask, with each statistics file's own settings. */
  private static MaskPatch.Settings settings(Setting s, List<Path> files, List<PruneStats> stats) {
    MaskPatch.Settings settings = new MaskPatch.Settings(); // ConceptPrune's keys in the order its patches have always had
    if (s.method() instanceof ConceptPruneMethod) settings.k(s.concepts().get(0).k()).timesteps(s.tHat());
    settings.method(s.method(), stats.size()).timesteps(s.tHat());
    if (s.method() instanceof FiaMethod fm) settings.r2PerConcept(fm, s.concepts());
    return settings.stats(files, stats);
  }

  private static List<Setting> conceptPruneSweep(ConceptPruneGrid g, List<PruneStats> all, List<Integer> timesteps) {
    if (g.ks().isEmpty()) throw new UserError("--method conceptprune needs --k (one or more, comma-separated)");
    List<Setting> out = new ArrayList<>();
    ConceptPruneMethod m = new ConceptPruneMethod(g.rho(), Variant.of(g.unskilled()));
    for (double k : g.ks()) {
      ConceptSpec.checkK(k);
      List<ConceptSpec> specs = all.stream().map(s -> spec(s, k)).toList();
      for (int t : timesteps) out.add(new Setting(m, t, specs, String.format(Locale.ROOT, "mask-k%s-t%d.safetensors", k, t)));
    }
    return out;
  }

  private static List<Setting> fiaSweep(FiaGrid g, List<PruneStats> all, List<Integer> timesteps) {
    List<ConceptSpec> specs = all.stream().map(s -> spec(s, 0.5)).toList();
    ConceptFamily family = specs.get(0).family();
    List<Double> r1 = g.r1s().isEmpty() ? List.of(FiaPrompts.R1) : g.r1s();
    List<Double> r2 = g.r2s().isEmpty() ? List.of(FiaPrompts.defaultR2(family)) : g.r2s();
    List<Double> alpha = g.alphas().isEmpty() ? List.of(FiaPrompts.defaultAlpha(family)) : g.alphas();
    List<Setting> out = new ArrayList<>();
    for (double a : r1) {
      for (double b : r2) {
        for (double al : alpha) {
          FiaMethod m = new FiaMethod(a, b, g.r2For(), al, Fia.Fusion.fromCli(g.fusion()));
          m.check(specs);
          for (int t : timesteps) {
            out.add(new Setting(m, t, specs, String.format(Locale.ROOT, "mask-fia-r1%s-r2%s-a%s-t%d.safetensors", a, b, al, t)));
          }
        }
      }
    }
    return out;
  }

  /** The concept a statistics file was made for, from its metadata (k: ConceptPrune's, unused by FIA). */
  private static ConceptSpec spec(PruneStats s, double k) {
    Map<String, String> m = s.metadata();
    String name = m.getOrDefault("concept", "concept");
    ConceptFamily f = m.containsKey("family") ? ConceptFamily.fromCli(m.get("family")) : ConceptFamily.CUSTOM;
    List<String> target = List.of(m.getOrDefault("target_prompts", "?").split("\n"));
    List<String> reference = List.of(m.getOrDefault("reference_prompts", "?").split("\n"));
    if (target.size() != reference.size()) reference = target;
    return new ConceptSpec(name, f, new ConceptFamily.Prompts(target, reference), k, 1);
  }
}
