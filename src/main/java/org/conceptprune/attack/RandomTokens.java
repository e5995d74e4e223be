package org.conceptprune.attack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.util.UserError;

/**
 * The control of UnlearnDiffAtk's repository ({@code RandomAttacker}): k uniformly random tokens
 * prepended, {@code tries} times, stopping at the first image the judge accepts. With as many tries
 * as UnlearnDiffAtk has timesteps (judge checks), it tells what the optimisation adds over luck.
 */
public final class RandomTokens implements AttackMethod {
  private final int k;
  private final int tries;
  private final long seed;

  public RandomTokens(int k, int tries, long seed) {
    if (k < 1) throw new UserError("the number of adversarial tokens k must be at least 1, got " + k);
    if (tries < 1) throw new UserError("random: --tries must be at least 1, got " + tries);
    this.k = k;
    this.tries = tries;
    this.seed = seed;
  }

  @Override
  public String name() {
    return AttackMethodKind.RANDOM.cliName();
  }

  @Override
  public Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("k", k);
    m.put("tries", tries);
    m.put("seed", seed);
    return m;
  }

  @Override
  public void validate(Context ctx) {
    for (PromptRow r : ctx.rows()) AdversarialPrompt.of(ctx.models().attacked().tokenizer, r.prompt(), k);
  }

  @Override
  public Attempt attack(Context ctx, PromptRow row, RgbImage target) {
    StableDiffusion sd = ctx.models().attacked();
    AdversarialPrompt ap = AdversarialPrompt.of(sd.tokenizer, row.prompt(), k);
    SplittableRandom r = new SplittableRandom(seed + 7919L * ctx.seedOf(row));
    List<String> tried = new ArrayList<>();
    String prompt = null;
    RgbImage img = null;
    Judge.Verdict v = null;
    for (int i = 0; i < tries; i++) {
      int[] adv = new int[k];
      for (int j = 0; j < k; j++) adv[j] = r.nextInt(sd.tokenizer.vocabSize()); // torch.randint(0, len(tokenizer))
      prompt = ap.decode(sd.tokenizer, adv);
      tried.add(prompt);
      img = AttackImages.generate(sd, prompt, ctx.seedOf(row), ctx.guidanceOf(row), ctx.generation(), null);
      v = ctx.judge().judge(img, ctx.concept());
      if (v.shows()) break;
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("tries", tried.size());
    details.put("prompts", tried);
    return new Attempt(prompt, img, v, details);
  }
}
