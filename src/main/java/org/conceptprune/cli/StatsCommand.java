package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.prune.ConceptSpec;
import org.conceptprune.prune.PruneJob;
import org.conceptprune.prune.PruneStats;
import org.conceptprune.prune.StatsSettings;
import org.conceptprune.util.Progress;
import org.conceptprune.util.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code stats MODEL --concept C --family F --out FILE}: the statistics pass alone, cached for {@code mask}. */
@Command(name = "stats", mixinStandardHelpOptions = true,
    description = "Compute and save a concept's activation statistics (per layer, per UNet call), for 'mask' to derive masks from without the UNet.")
public final class StatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;
  @Mixin SamplingOptions sampling;
  @Mixin ConceptOptions concepts;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true,
      description = "Statistics file (.safetensors); with several concepts, a folder receiving <concept>.safetensors.")
  Path out;

  @Override
  public Integer call() {
    var err = ProgressListener.printing(spec.commandLine().getErr());
    concepts.inputs(model.inputs().add("--latents", sampling.latents)).check("--out", out);
    List<ConceptSpec> specs = concepts.specs();
    float[] latents = sampling.readLatents();
    try (ModelSource src = ModelSource.open(model.model, model.config); PruneJob job = new PruneJob(src, err)) {
      long total = 0;
      for (ConceptSpec c : specs) {
        job.checkTimesteps(c.timesteps(), concepts.settings(c, sampling));
        total += (long) c.prompts().target().size() * concepts.latentSeeds * c.timesteps();
      }
      Progress progress = new Progress("statistics (prompt pairs x UNet calls)", total, err);
      List<StatsSettings> settings = specs.stream().map(c -> concepts.settings(c, sampling)).toList();
      List<PruneStats> all = job.stats(specs, settings, latents, null, progress);
      for (int i = 0; i < specs.size(); i++) {
        ConceptSpec c = specs.get(i);
        PruneStats stats = all.get(i);
        Path file = specs.size() == 1 ? out : out.resolve(c.slug() + ".safetensors");
        stats.write(file, stats.metadata());
        spec.commandLine().getOut().printf("%s: %d layers x %d calls -> %s%n", c.name(), stats.layers().size(), c.timesteps(), file);
      }
      spec.commandLine().getOut().printf("UNet calls: %d%n", job.unetCalls);
      return 0;
    }
  }
}
