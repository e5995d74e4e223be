package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.prune.Aggregation;
import org.conceptprune.prune.ConceptFamily;
import org.conceptprune.prune.ConceptSpec;
import org.conceptprune.prune.FiaPrompts;
import org.conceptprune.prune.ProbeSite;
import org.conceptprune.prune.StatsSettings;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Option;

/** Mixin: which concepts to erase and how their statistics are gathered (ALGORITHM.md §2-3). */
public final class ConceptOptions {
  @Option(names = "--concept", paramLabel = "NAME", required = true,
      description = "The concept: an artist (art-style), an object (object), or a label (nudity, gender, custom). Repeatable: the masks of all concepts are united.")
  List<String> concepts;

  @Option(names = "--family", paramLabel = "F", required = true,
      description = "art-style, nudity, object, gender or custom; one for all concepts or one per --concept.")
  List<String> families;

  @Option(names = "--target-prompts", paramLabel = "FILE", description = "custom: prompts with the concept, one per line (repeatable, one per custom concept).")
  List<Path> targetPrompts = new ArrayList<>();

  @Option(names = "--reference-prompts", paramLabel = "FILE", description = "custom: paired prompts without it, one per line.")
  List<Path> referencePrompts = new ArrayList<>();

  @Option(names = "--words", paramLabel = "FILE", description = "Replace the family's shipped word list (things, humans or scenes), one word per line.")
  Path words;

  @Option(names = "--k", paramLabel = "K", description = "Fraction of each row's columns considered (default: the family's: art-style 0.02, nudity 0.01, object 0.02, gender 0.05).")
  Double k;

  @Option(names = "--timesteps", paramLabel = "T", description = "t̂: the first T UNet calls are recorded and their masks united (default: the family's: 10, 9, 10, 20).")
  Integer timesteps;

  @Option(names = "--site", paramLabel = "SITE", defaultValue = "ffn2", description = "Probe site: ffn2 (default), ffn1, attn2-k, attn2-v, text-fc2.")
  String site;

  @Option(names = "--aggregation", paramLabel = "A", defaultValue = "tokennorm", description = "tokennorm (the authors' code, default) or raw (the paper's Eq. 3).")
  String aggregation;

  @Option(names = "--method", paramLabel = "M", defaultValue = "conceptprune", converter = MethodKind.Converter.class,
      description = "conceptprune (default) or fia (Forget-It-All: its prompt templates, seed 1244 unless --seed, t̂ 10, per-prompt statistics).")
  MethodKind method;

  @Option(names = "--latent-seeds", paramLabel = "N", defaultValue = "1",
      description = "Run every prompt pair from N latents (seed, seed+1, ...) and average: masks that do not hang on one noise draw (default 1, the authors').")
  int latentSeeds;

  @Option(names = "--seed-per-pair", description = "Pair i starts from seed+i (default: every pair from --seed, as the authors' code does).")
  boolean seedPerPair;

  /** The concepts, each with its prompts and its k and t̂. */
  List<ConceptSpec> specs() {
    if (families.size() != 1 && families.size() != concepts.size()) {
      throw new UserError(families.size() + " --family values for " + concepts.size() + " concepts (give one, or one per concept)");
    }
    List<String> wordList = words == null ? null : ConceptFamily.readPromptFile(words);
    List<ConceptSpec> out = new ArrayList<>();
    int custom = 0;
    for (int i = 0; i < concepts.size(); i++) {
      ConceptFamily f = ConceptFamily.fromCli(families.get(families.size() == 1 ? 0 : i));
      ConceptFamily.Prompts p;
      if (f == ConceptFamily.CUSTOM) {
        if (custom >= targetPrompts.size() || custom >= referencePrompts.size()) {
          throw new UserError("concept '" + concepts.get(i) + "' (custom) needs --target-prompts FILE and --reference-prompts FILE");
        }
        p = new ConceptFamily.Prompts(ConceptFamily.readPromptFile(targetPrompts.get(custom)),
            ConceptFamily.readPromptFile(referencePrompts.get(custom)));
        custom++;
      } else {
        p = method == MethodKind.FIA ? FiaPrompts.prompts(f, concepts.get(i), wordList) : f.prompts(concepts.get(i), wordList);
      }
      int tHat = timesteps != null ? timesteps : method == MethodKind.FIA ? FiaPrompts.TIMESTEPS : f.defaultTimesteps;
      out.add(new ConceptSpec(concepts.get(i), f, p, k != null ? k : f.defaultK, tHat));
    }
    return out;
  }

  /** The statistics pass's settings; its sampler is {@link StatsSettings#DEFAULT_SCHEDULER} unless --scheduler. */
  StatsSettings settings(ConceptSpec c, SamplingOptions s) {
    SchedulerKind scheduler = s.scheduler == null ? StatsSettings.DEFAULT_SCHEDULER : s.schedulerKind();
    boolean fia = method == MethodKind.FIA;
    return new StatsSettings(ProbeSite.fromCli(site), Aggregation.fromCli(aggregation), c.timesteps(), scheduler,
        s.steps, s.guidance, s.seedOr(fia ? FiaPrompts.SEED : 0), seedPerPair, s.width, s.height, fia, latentSeeds);
  }

  /** The files these options read, as inputs no output may replace. */
  OutputPaths inputs(OutputPaths paths) {
    return paths.add("--words", words).addAll("--target-prompts", targetPrompts).addAll("--reference-prompts", referencePrompts);
  }
}
