package org.conceptprune.demo;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conceptprune.attack.AttackMethod;
import org.conceptprune.attack.AttackMethodKind;
import org.conceptprune.attack.AttackRun;
import org.conceptprune.attack.Judge;
import org.conceptprune.attack.JudgeSpec;
import org.conceptprune.attack.ModelPair;
import org.conceptprune.attack.RevivalAttack;
import org.conceptprune.attack.UnlearnDiffAtk;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.revival.Locations;
import org.conceptprune.revival.RevivalSettings;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.ToyWorld;
import org.conceptprune.toy.World;
import org.conceptprune.util.Parallel;
import org.conceptprune.util.Progress;
import org.conceptprune.util.ProgressListener;

/**
 * Does the featured concept come back? Each method's model is attacked by the data-free revival of
 * its zeroed weights (naive: every exact zero, the paper's settings) and by UnlearnDiffAtk at the
 * request's budget, on the concept's first asking prompts; ASR with a Wilson interval (the attack
 * commands' {@link AttackRun}, so {@code robustness/METHOD-ATTACK/} holds the same files as
 * {@code attack --out}).
 */
public final class Robustness {
  private Robustness() {}

  static final List<AttackMethodKind> ATTACKS = List.of(AttackMethodKind.REVIVAL, AttackMethodKind.UNLEARNDIFF);

  /** One (method, attack): the summary and the folder of its outcomes and images. */
  public record Row(String method, AttackMethodKind attack, AttackRun.Summary summary, Path dir) {}

  /** The attacks' prompts: the concept's first n asking prompts, each with its own seed. */
  static List<PromptRow> prompts(World w, String concept, int n, long seed) {
    boolean style = w.isStyleConcept(concept);
    List<ToyEval.Item> items = ToyEval.asking(w, style, style ? w.styleIndex(concept) : w.objectIndex(concept), 1);
    List<PromptRow> rows = new ArrayList<>();
    for (int i = 0; i < Math.min(n, items.size()); i++) {
      rows.add(new PromptRow(i, items.get(i).prompt(), ToyDefaults.attackSeed(seed) + i, null, Map.of()));
    }
    return rows;
  }

  static String budget(DemoRequest r) {
    return String.format(Locale.ROOT, "%d tokens, %d iterations at each of the timesteps %s, stopping at the first success",
        r.udTokens(), r.udIterations(), r.udTimesteps());
  }

  /**
   * @param model the toy model folder the masks were made for; @param judgeModel null: the bundled judge
   * @param masks method key -> the featured concept's mask
   */
  static List<Row> run(Path model, Path judgeModel, World w, String concept, Map<String, MaskSet> masks, DemoRequest r, Path dir,
      ProgressListener log) {
    List<PromptRow> rows = prompts(w, concept, r.attackPrompts(), 0);
    GenerationSettings g = new GenerationSettings(ToyDefaults.STEPS, ToyDefaults.GUIDANCE, SchedulerKind.DDIM, ToyWorld.SIZE, ToyWorld.SIZE, 0);
    int[] ts = r.udTimesteps().stream().mapToInt(Integer::intValue).toArray();
    Progress bar = new Progress("attacks (method x attack runs)", (long) masks.size() * ATTACKS.size(), log);
    List<Map.Entry<String, AttackMethodKind>> runs = new ArrayList<>();
    for (String m : masks.keySet()) for (AttackMethodKind a : ATTACKS) runs.add(Map.entry(m, a));
    List<Worker> workers = new ArrayList<>();
    try {
      for (int i = 0; i < Math.min(r.workers(), runs.size()); i++) {
        workers.add(new Worker(StableDiffusion.load(model, null), Judge.open(JudgeSpec.TOY, null, TorchRuntime.threads(), judgeModel)));
      }
      return Parallel.map(runs, workers, (run, wk) -> {
        String m = run.getKey();
        AttackMethodKind attack = run.getValue();
        AttackMethod method = attack == AttackMethodKind.REVIVAL
            ? new RevivalAttack(Locations.ZEROS, RevivalSettings.PAPER, null, null)
            : new UnlearnDiffAtk(new UnlearnDiffAtk.Options(r.udTokens(), r.udIterations(), ts, 0.01, 0.1));
        Path d = dir.resolve(m + "-" + attack.cliName());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("base", judgeModel == null ? "the shipped toy model" : model.toString());
        settings.put("attacked", m + " mask of " + concept + " (" + masks.get(m).overall().pruned() + " weights)");
        settings.put("judge", wk.judge().describe());
        settings.put("concept", concept);
        settings.put("rows", rows.size());
        settings.put("generation", g.describe());
        // one attack's per-prompt lines would interleave with another's: they go to its folder's log
        try (PrintWriter alog = quiet(d); ModelPair pair = ModelPair.masked(wk.sd(), masks.get(m))) {
          AttackRun.Summary s = new AttackRun(method, new AttackMethod.Context(pair, wk.judge(), concept, g, rows, d,
              ProgressListener.printing(alog)), settings).run();
          bar.step();
          return new Row(m, attack, s, d);
        }
      });
    } finally {
      for (Worker wk : workers) {
        wk.judge().close();
        wk.sd().close();
      }
    }
  }

  /** A copy of the model and a judge, for one attack at a time. */
  private record Worker(StableDiffusion sd, Judge judge) {}

  /** The attack's own log, OUT/robustness/METHOD-ATTACK/attack.log (appended on a rerun). */
  private static PrintWriter quiet(Path d) {
    try {
      java.nio.file.Files.createDirectories(d);
      return new PrintWriter(java.nio.file.Files.newBufferedWriter(d.resolve("attack.log"), java.nio.charset.StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true);
    } catch (java.io.IOException e) {
      throw new org.conceptprune.util.UserError("cannot write " + d.resolve("attack.log") + " (" + e.getMessage() + ")", e);
    }
  }
}
