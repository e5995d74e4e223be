package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.conceptprune.attack.AttackJob;
import org.conceptprune.attack.AttackMethodKind;
import org.conceptprune.attack.AttackRequest;
import org.conceptprune.attack.AttackRun;
import org.conceptprune.attack.JudgeSpec;
import org.conceptprune.util.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code attack [MODEL] --base BASE --method M --prompts CSV --judge J --concept C --out DIR}: does an
 * erased concept come back under an attack? Writes run.json, outcomes/ROW.json, images/ROW-{target,
 * before,after}.png and summary.json (ASR with a Wilson interval); a rerun resumes at the next prompt.
 */
@Command(name = "attack", mixinStandardHelpOptions = true,
    description = "Attack an erased (pruned) model with UnlearnDiffAtk, Concept Inversion, Ring-A-Bell or the data-free revival and measure the attack success rate.")
public final class AttackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
      description = "The attacked model: a model folder or single file, a mask patch on --base, 'toy' (the shipped toy model), or omitted with --mask.")
  String model;

  @Option(names = "--base", paramLabel = "BASE", description = "The base (unerased) model: a folder, single file or 'toy' (default: toy with --judge toy).")
  String base;

  @Option(names = "--mask", paramLabel = "PATCH", description = "A mask patch applied to --base gives the attacked model.")
  Path mask;

  @Option(names = "--config", paramLabel = "DIR", description = "Configs for single-file models.")
  Path config;

  @Option(names = "--method", required = true, paramLabel = "M", converter = Converters.AttackMethod.class, description = "unlearndiff, inversion, ring-a-bell, random (random tokens: the control of UnlearnDiffAtk's repository) or revival (the data-free un-pruning of the attacked model's weights).")
  AttackMethodKind method;

  @Option(names = "--prompts", required = true, paramLabel = "CSV", description = "Prompts (CSV with a prompt column, optional evaluation_seed / guidance; or a shipped set).")
  String prompts;

  @Option(names = "--judge", required = true, paramLabel = "J", converter = Converters.Judge.class, description = "toy, classify:WEIGHTS (ImageNet ResNet-50), nudity:ONNX (NudeNet), clip:DIR or style:DIR (UnlearnDiffAtk's WikiArt ViT).")
  JudgeSpec judge;

  @Option(names = "--concept", required = true, paramLabel = "C", description = "The erased concept the judge looks for (a toy style or object, an ImageNet class, nudity, ...).")
  String concept;

  @Option(names = "--against", split = ",", paramLabel = "NAME,...", description = "clip judge: the other classes of its zero-shot choice.")
  List<String> against;

  @Option(names = "--top", paramLabel = "N", description = "style judge: success when the artist is in the top N (default 1; the paper also reports 3).")
  Integer top;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "Output folder (reused to resume).")
  Path out;

  @Option(names = "--limit", paramLabel = "N", description = "Only the first N prompts.")
  Integer limit;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of rows without their own (seed + row) and of the attacks (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--steps", paramLabel = "N", description = "Sampler steps (default: toy 20, else 50).")
  Integer steps;

  @Option(names = "--guidance", paramLabel = "G", description = "Guidance of rows without their own (default: toy 4, else 7.5).")
  Double guidance;

  @Option(names = "--scheduler", paramLabel = "S", description = "pndm, ddim, euler or dpmpp-2m (default: toy ddim, else the model's).")
  String scheduler;

  @Mixin AttackMethodOptions methodOptions;

  @Override
  public Integer call() {
    var request = new AttackRequest(model, base, mask, config, method, methodOptions.settings(), prompts, limit, judge, against, top,
        concept, new AttackRequest.Sampling(seed, steps, guidance, scheduler), out);
    AttackRun.Summary s = AttackJob.run(request, ProgressListener.printing(spec.commandLine().getErr()));
    spec.commandLine().getOut().println(s.line() + "; outcomes in " + out.resolve("outcomes") + ", summary " + out.resolve("summary.json"));
    return 0;
  }
}
