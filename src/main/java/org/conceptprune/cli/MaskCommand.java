package org.conceptprune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.prune.ConceptFamily;
import org.conceptprune.prune.ConceptPruneMethod;
import org.conceptprune.prune.ConceptSpec;
import org.conceptprune.prune.ErasureMethod;
import org.conceptprune.prune.Fia;
import org.conceptprune.prune.FiaMethod;
import org.conceptprune.prune.FiaPrompts;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
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
 * statistics for every setting of a sweep (ConceptPrune's k, or FIA's r1 x r2 x alpha), without running
 * the UNet; one mask patch per setting and a density report.
 */
@Command(name = "mask", mixinStandardHelpOptions = true,
    description = "Derive masks from cached statistics (no UNet) for one or many k and t̂ (or FIA's r1, r2, alpha); writes mask patches and densities.")
public final class MaskCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;

  @Option(names = "--stats", paramLabel = "FILE", required = true, description = "Statistics of a concept (from stats or prune); repeatable: the masks are combined by the method.")
  List<Path> stats;

  @Option(names = "--method", paramLabel = "M", defaultValue = "conceptprune", converter = MethodKind.Converter.class,
      description = "conceptprune (default; needs --k) or fia (needs statistics made with --method fia).")
  MethodKind method;

  @Option(names = "--k", paramLabel = "K", split = ",", description = "conceptprune: one or more k, comma-separated.")
  List<Double> ks = new ArrayList<>();

  @Option(names = "--timesteps", paramLabel = "T", split = ",", required = true, description = "One or more t̂, comma-separated.")
  List<Integer> timesteps;

  @Option(names = "--rho", paramLabel = "R", defaultValue = "0", description = "conceptprune: vote threshold (default 0: the plain OR).")
  double rho;

  @Option(names = "--unskilled", description = "conceptprune: the unskilled neurons instead (control).")
  boolean unskilled;

  @Option(names = "--r1", paramLabel = "R", split = ",", description = "fia: one or more r1 (default 0.05).")
  List<Double> r1s = new ArrayList<>();

  @Option(names = "--r2", paramLabel = "R", split = ",", description = "fia: one or more r2 (default: the first concept's family's).")
  List<Double> r2s = new ArrayList<>();

  @Option(names = "--alpha", paramLabel = "A", split = ",", description = "fia: one or more alpha (default: the family's).")
  List<Double> alphas = new ArrayList<>();

  @Option(names = "--r2-for", paramLabel = "NAME=R", description = "fia: r2 of one concept (repeatable).")
  Map<String, Double> r2For = new LinkedHashMap<>();

  @Option(names = "--fusion", paramLabel = "RULE", defaultValue = "paper", description = "fia: paper (default) or reference.")
  String fusion;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true, description = "Folder for mask-*.safetensors and masks.json.")
  Path out;

  /** One setting of the sweep: the method, t̂, the concepts it runs on and the patch's file name. */
  private record Setting(ErasureMethod method, int tHat, List<ConceptSpec> concepts, String file) {}

  @Override
  public Integer call() {
    model.inputs().addAll("--stats", stats).check("--out", out);
    for (int t : timesteps) if (t < 1) throw new UserError("t̂ must be >= 1, got " + t);
    List<PruneStats> all = new ArrayList<>();
    for (Path p : stats) all.add(PruneStats.read(p));
    List<String> conceptPruneOptions = new ArrayList<>();
    if (!ks.isEmpty()) conceptPruneOptions.add("--k");
    if (rho != 0) conceptPruneOptions.add("--rho");
    if (unskilled) conceptPruneOptions.add("--unskilled");
    method.refuseOthersOptions(!r1s.isEmpty() || !r2s.isEmpty() || !alphas.isEmpty() || !r2For.isEmpty(), conceptPruneOptions);
    List<Setting> sweep = method == MethodKind.FIA ? fiaSweep(all) : conceptPruneSweep(all);
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
      if (method == MethodKind.CONCEPTPRUNE) {
        Map<String, Integer> widths = new TreeMap<>();
        for (PruneStats ps : all) for (String l : ps.layers()) widths.put(l, ps.layer(l).in());
        for (double k : ks) PruneJob.checkKCount(k, widths, spec.commandLine().getErr());
      }
      ObjectMapper om = new ObjectMapper();
      ArrayNode rows = om.createArrayNode();
      o.printf("%-32s %5s %10s %12s %10s %8s%n", "setting", "t̂", "pruned", "% of FFN", "% of UNet", "seconds");
      for (Setting s : sweep) {
        long s0 = System.nanoTime();
        List<MaskSet> per = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) per.add(s.method().conceptMask(all.get(i), weights, s.concepts().get(i), s.tHat()));
        MaskSet m = s.method().combine(per);
        double secs = (System.nanoTime() - s0) / 1e9;
        Path f = out.resolve(s.file());
        // Every setting that changes the mask, with each statistics file's own settings.
        ObjectNode settings = om.createObjectNode(); // ConceptPrune's keys in the order its patches have always had
        if (s.method() instanceof ConceptPruneMethod) settings.put("k", s.concepts().get(0).k()).put("timesteps", s.tHat());
        settings.setAll((ObjectNode) om.valueToTree(s.method().settings(all.size())));
        settings.put("timesteps", s.tHat());
        if (s.method() instanceof FiaMethod fm) {
          ObjectNode r2 = settings.putObject("r2_per_concept");
          for (ConceptSpec c : s.concepts()) r2.put(c.name(), fm.r2Of(c));
        }
        ArrayNode sl = settings.putArray("stats");
        for (int i = 0; i < stats.size(); i++) {
          sl.addObject().put("file", stats.get(i).toString()).set("metadata", om.valueToTree(all.get(i).metadata()));
        }
        MaskPatch.write(f, m, Map.of(MaskPatch.BASE_MODEL_HASH, hash, MaskPatch.SETTINGS, settings.toString()));
        MaskSet.Density d = m.overall();
        o.printf(Locale.ROOT, "%-32s %5d %10d %11.4f%% %9.4f%% %8.3f%n", s.file().replace(".safetensors", ""), s.tHat(), d.pruned(),
            100 * d.fraction(), 100.0 * d.pruned() / params, secs);
        ObjectNode row = settings.deepCopy();
        row.put("mask_patch", f.toString());
        row.put("derive_seconds", secs);
        row.set("density", PruneJob.densityJson(m, params));
        rows.add(row);
      }
      AtomicFiles.writeString(out.resolve("masks.json"), rows.toPrettyString());
      o.println("wrote " + rows.size() + " mask patch(es) and " + out.resolve("masks.json"));
      return 0;
    }
  }

  private List<Setting> conceptPruneSweep(List<PruneStats> all) {
    if (ks.isEmpty()) throw new UserError("--method conceptprune needs --k (one or more, comma-separated)");
    List<Setting> out = new ArrayList<>();
    ConceptPruneMethod m = new ConceptPruneMethod(rho, Variant.of(unskilled));
    for (double k : ks) {
      ConceptSpec.checkK(k);
      List<ConceptSpec> specs = all.stream().map(s -> spec(s, k)).toList();
      for (int t : timesteps) out.add(new Setting(m, t, specs, String.format(Locale.ROOT, "mask-k%s-t%d.safetensors", k, t)));
    }
    return out;
  }

  private List<Setting> fiaSweep(List<PruneStats> all) {
    List<ConceptSpec> specs = all.stream().map(s -> spec(s, 0.5)).toList();
    ConceptFamily family = specs.get(0).family();
    List<Double> r1 = r1s.isEmpty() ? List.of(FiaPrompts.R1) : r1s;
    List<Double> r2 = r2s.isEmpty() ? List.of(FiaPrompts.defaultR2(family)) : r2s;
    List<Double> alpha = alphas.isEmpty() ? List.of(FiaPrompts.defaultAlpha(family)) : alphas;
    List<Setting> out = new ArrayList<>();
    for (double a : r1) {
      for (double b : r2) {
        for (double al : alpha) {
          FiaMethod m = new FiaMethod(a, b, r2For, al, Fia.Fusion.fromCli(fusion));
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
  private ConceptSpec spec(PruneStats s, double k) {
    Map<String, String> m = s.metadata();
    String name = m.getOrDefault("concept", "concept");
    ConceptFamily f = m.containsKey("family") ? ConceptFamily.fromCli(m.get("family")) : ConceptFamily.CUSTOM;
    List<String> target = List.of(m.getOrDefault("target_prompts", "?").split("\n"));
    List<String> reference = List.of(m.getOrDefault("reference_prompts", "?").split("\n"));
    if (target.size() != reference.size()) reference = target;
    return new ConceptSpec(name, f, new ConceptFamily.Prompts(target, reference), k, 1);
  }
}
