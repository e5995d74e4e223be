package org.conceptprune.attack;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.model.clip.ClipTokenizer;
import org.conceptprune.pipeline.Conditioning;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.util.UserError;

/**
 * Ring-A-Bell (Tsai et al., ICLR 2024; chiayi-hsu/Ring-A-Bell, {@code InversePrompt.ipynb}), the
 * model-agnostic search. The concept vector is the mean difference of the text encoder's
 * last_hidden_state [77, D] over prompt pairs with and without the concept; the target of a prompt is
 * {@code embed(prompt) + eta * vector}; a genetic search over {@code length} token ids (bos first,
 * eos after) minimises {@code sum (target - embed(ids))^2}. Per generation: score, keep the best half,
 * crossover (each parent kept; with probability 0.5 two children cut at one point with a random
 * partner), mutation (with probability 0.25 one random position gets a random id). The best
 * individual of the last generation, decoded, is given to the attacked model.
 */
public final class RingABell implements AttackMethod {
  /**
   * @param length searched tokens (16; 75 for K = 77 in the paper)
   * @param eta the concept vector's coefficient ("cof", 3)
   * @param population 200; @param generations 3000; @param mutation 0.25; @param crossover 0.5
   */
  public record Options(int length, double eta, int population, int generations, double mutation, double crossover, long seed) {
    public Options {
      if (length < 1) throw new UserError("Ring-A-Bell's prompt length must be at least 1, got " + length);
      if (population < 4) throw new UserError("the population must be at least 4, got " + population);
      if (generations < 1) throw new UserError("generations must be at least 1, got " + generations);
      if (mutation < 0 || mutation > 1 || crossover < 0 || crossover > 1) throw new UserError("mutation and crossover rates must be in [0, 1]");
    }
  }

  private final Options o;
  private final List<String[]> pairs;
  private float[] vector;

  /** @param pairs (prompt with the concept, prompt without it) */
  public RingABell(Options o, List<String[]> pairs) {
    if (pairs.isEmpty()) throw new UserError("Ring-A-Bell needs at least one prompt pair for the concept vector");
    this.o = o;
    this.pairs = pairs;
  }

  @Override
  public String name() {
    return AttackMethodKind.RING_A_BELL.cliName();
  }

  @Override
  public Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("length", o.length());
    m.put("eta", o.eta());
    m.put("population", o.population());
    m.put("generations", o.generations());
    m.put("mutation", o.mutation());
    m.put("crossover", o.crossover());
    m.put("seed", o.seed());
    m.put("pairs", pairs.size());
    return m;
  }

  @Override
  public void validate(Context ctx) {
    StableDiffusion sd = ctx.models().attacked();
    if (sd.isSdxl()) throw new UserError("Ring-A-Bell is implemented for SD-1.x/2.x models (one text encoder), not SDXL");
    if (o.length() + 2 > sd.tokenizer.maxLength()) {
      throw new UserError("Ring-A-Bell's length " + o.length() + " + bos + eos exceeds " + sd.tokenizer.maxLength() + " positions");
    }
  }

  /** embed(prompt) [B * T * D] (last_hidden_state, flattened). */
  static float[] embed(StableDiffusion sd, List<String> prompts) {
    try (NDManager m = sd.manager.newSubManager()) {
      return sd.textEncoder.forward(Conditioning.ids(m, sd.tokenizer, prompts)).lastHiddenState().toFloatArray();
    }
  }

  /** mean over pairs of embed(with) - embed(without) [T * D]. */
  static float[] conceptVector(StableDiffusion sd, List<String[]> pairs) {
    List<String> with = new ArrayList<>();
    List<String> without = new ArrayList<>();
    for (String[] p : pairs) {
      with.add(p[0]);
      without.add(p[1]);
    }
    float[] a = embed(sd, with);
    float[] b = embed(sd, without);
    int per = a.length / pairs.size();
    float[] v = new float[per];
    for (int i = 0; i < a.length; i++) v[i % per] += (a[i] - b[i]) / pairs.size();
    return v;
  }

  @Override
  public void prepare(Context ctx) {
    vector = conceptVector(ctx.models().attacked(), pairs);
    double n = 0;
    for (float x : vector) n += x * x;
    ctx.log().note(String.format(Locale.ROOT, "ring-a-bell: concept vector from %d pairs, |v| = %.4f", pairs.size(), Math.sqrt(n)));
  }

  /** The result of one search: the best ids (bos, length tokens, eos...), their loss per generation sampled. */
  public record Search(long[] ids, double loss, List<Double> curve) {}

  /** The genetic search for ids whose embedding approaches target [T * D]. */
  public static Search search(StableDiffusion sd, float[] target, Options o, long seed) {
    ClipTokenizer tok = sd.tokenizer;
    int t = tok.maxLength();
    int vocab = tok.vocabSize();
    Random r = new Random(seed);
    List<long[]> pop = new ArrayList<>();
    for (int i = 0; i < o.population(); i++) {
      long[] ids = new long[t];
      Arrays.fill(ids, tok.eosId());
      ids[0] = tok.bosId();
      for (int j = 1; j <= o.length(); j++) ids[j] = randomId(r, tok, vocab);
      pop.add(ids);
    }
    List<Double> curve = new ArrayList<>();
    double best = Double.NaN;
    for (int g = 0; g < o.generations(); g++) {
      double[] score = fitness(sd, pop, target);
      Integer[] order = new Integer[pop.size()];
      for (int i = 0; i < order.length; i++) order[i] = i;
      Arrays.sort(order, (a, b) -> Double.compare(score[a], score[b]));
      List<long[]> kept = new ArrayList<>();
      for (int i = 0; i < o.population() / 2; i++) kept.add(pop.get(order[i]));
      best = score[order[0]];
      if (g % Math.max(1, o.generations() / 20) == 0 || g == o.generations() - 1) curve.add(best);
      pop = kept;
      if (g == o.generations() - 1) break;
      List<long[]> next = new ArrayList<>();
      for (int i = 0; i < pop.size(); i++) {
        next.add(pop.get(i));
        if (r.nextDouble() < o.crossover()) {
          long[] mate = pop.get(r.nextInt(pop.size()));
          int cut = 1 + r.nextInt(o.length()); // 1..length
          next.add(cross(pop.get(i), mate, cut));
          next.add(cross(mate, pop.get(i), cut));
        }
      }
      for (long[] ind : next) {
        if (r.nextDouble() < o.mutation()) ind[1 + r.nextInt(o.length())] = randomId(r, tok, vocab); // in place, as the reference
      }
      pop = next;
    }
    return new Search(pop.get(0), best, curve);
  }

  /** A random content id: not 0 and not a special token (the reference draws from 1..49405). */
  static long randomId(Random r, ClipTokenizer tok, int vocab) {
    while (true) {
      long id = 1 + r.nextInt(vocab - 1);
      if (id != tok.bosId() && id != tok.eosId() && id != tok.padId()) return id;
    }
  }

  static long[] cross(long[] a, long[] b, int cut) {
    long[] c = a.clone();
    System.arraycopy(b, cut, c, cut, c.length - cut);
    return c;
  }

  /** sum over (T, D) of (target - embed(ids))^2, per individual, in batches of 64. */
  static double[] fitness(StableDiffusion sd, List<long[]> pop, float[] target) {
    double[] out = new double[pop.size()];
    int t = pop.get(0).length;
    for (int s = 0; s < pop.size(); s += 64) {
      int b = Math.min(64, pop.size() - s);
      long[] ids = new long[b * t];
      for (int i = 0; i < b; i++) System.arraycopy(pop.get(s + i), 0, ids, i * t, t);
      float[] e;
      try (NDManager m = sd.manager.newSubManager()) {
        e = sd.textEncoder.forward(m.create(ids, new Shape(b, t))).lastHiddenState().toFloatArray();
      }
      int per = target.length;
      for (int i = 0; i < b; i++) {
        double sum = 0;
        for (int j = 0; j < per; j++) {
          double d = target[j] - e[i * per + j];
          sum += d * d;
        }
        out[s + i] = sum;
      }
    }
    return out;
  }

  @Override
  public Attempt attack(Context ctx, PromptRow row, RgbImage target) {
    StableDiffusion sd = ctx.models().attacked();
    float[] goal = embed(sd, List.of(row.prompt()));
    for (int i = 0; i < goal.length; i++) goal[i] += (float) (o.eta() * vector[i]);
    long seed = o.seed() + 7919L * ctx.seedOf(row);
    Search s = search(sd, goal, o, seed);
    String prompt = sd.tokenizer.decode(Arrays.copyOfRange(s.ids(), 1, o.length() + 1));
    RgbImage img = AttackImages.generate(sd, prompt, ctx.seedOf(row), ctx.guidanceOf(row), ctx.generation(), null);
    Judge.Verdict v = ctx.judge().judge(img, ctx.concept());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("tokens", Arrays.stream(Arrays.copyOfRange(s.ids(), 1, o.length() + 1)).boxed().toList());
    details.put("embedding_loss", s.loss());
    details.put("loss_curve", s.curve());
    ctx.log().note(String.format(Locale.ROOT, "  ring-a-bell: '%s' (loss %.4f): %s (%s)", prompt, s.loss(), v.shows() ? "concept back" : "no",
        v.label()));
    return new Attempt(prompt, img, v, details);
  }
}
