package org.conceptprune.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TorchRandom;
import org.conceptprune.util.UserError;

/**
 * UnlearnDiffAtk (Zhang et al., ECCV 2024; OPTML-Group/Diffusion-MU-Attack, {@code TextGrad} with
 * {@code prefix_k}, {@code sequential}): k tokens prepended to the prompt, each a distribution over
 * the vocabulary kept on the simplex. Per iteration a one-hot token is drawn from each distribution
 * and the attacked model's noise-prediction loss on the target image's latents is backpropagated to
 * the one-hot matrix; the straight-through estimator passes {@code hardtanh} of that gradient to the
 * distributions (Adam with coupled weight decay, then projection). Timesteps are swept in order
 * (10, 30, ..., 990 with 40 iterations each in the paper); after each, the argmax tokens are decoded
 * to a prompt, an image is generated with the attacked model and the judge decides; the attack stops
 * at the first success.
 */
public final class UnlearnDiffAtk implements AttackMethod {
  /**
   * @param k adversarial tokens (3 for styles and objects, 5 for nudity in the paper)
   * @param iterations per timestep (40)
   * @param timesteps swept in this order ({@link #referenceTimesteps}(50): 10, 30, ..., 990)
   * @param lr Adam's learning rate (0.01); @param weightDecay Adam's L2 decay (0.1)
   * @param vocabulary the token ids the distributions range over, or null for all (the reference);
   *     a short list makes a planted-target test feasible
   */
  public record Options(int k, int iterations, int[] timesteps, double lr, double weightDecay, int[] vocabulary) {
    /** The reference's search space: every token of the vocabulary. */
    public Options(int k, int iterations, int[] timesteps, double lr, double weightDecay) {
      this(k, iterations, timesteps, lr, weightDecay, null);
    }

    public Options {
      if (vocabulary != null && vocabulary.length < 2) throw new UserError("a restricted vocabulary needs at least 2 tokens");
      if (k < 1) throw new UserError("the number of adversarial tokens k must be at least 1, got " + k);
      if (iterations < 1) throw new UserError("iterations per timestep must be at least 1, got " + iterations);
      if (timesteps.length == 0) throw new UserError("at least one timestep is needed");
      if (!(lr > 0)) throw new UserError("the learning rate must be > 0, got " + lr);
      if (weightDecay < 0) throw new UserError("weight decay must be >= 0, got " + weightDecay);
    }
  }

  /** The reference's grid of n timesteps: {@code range(T/n/2, T, T/n)[:n]} (n = 50: 10, 30, ..., 990). */
  public static int[] referenceTimesteps(int n, int trainSteps) {
    if (n < 1 || n > trainSteps) throw new UserError("the number of timesteps must be in 1.." + trainSteps + ", got " + n);
    int stride = trainSteps / n;
    int[] out = new int[n];
    for (int i = 0; i < n; i++) out[i] = stride / 2 + i * stride;
    return out;
  }

  /** What one timestep gave: the mean loss of its iterations, the decoded prompt and the judge's verdict. */
  public record Step(int timestep, double meanLoss, int skippedNonFinite, int[] tokens, String prompt, boolean shows, double score,
      String label) {}

  /** Sees each finished timestep; returns whether the concept is back (the sweep stops then). */
  public interface Check {
    Judge.Verdict check(String prompt);
  }

  private final Options o;

  public UnlearnDiffAtk(Options o) {
    this.o = o;
  }

  public Options options() {
    return o;
  }

  /**
   * The sweep on one prompt against {@code sd} (the attacked model, already switched on).
   *
   * @param x0 [1, C, h, w] the target image's latents
   * @param seed seeds the token sampling and the noise
   * @param check generates with a decoded prompt and judges it
   * @param steps receives each timestep's record (the caller logs it)
   * @return the records, the last one the success if any
   */
  public List<Step> run(StableDiffusion sd, AdversarialPrompt ap, NDArray x0, long seed, Check check,
      java.util.function.Consumer<Step> steps) {
    NoiseLoss lossFn = NoiseLoss.of(sd);
    NDArray full = sd.textEncoder.tokenEmbeddings(); // [V, D]
    int[] vocab = o.vocabulary();
    if (vocab == null) {
      vocab = new int[Math.toIntExact(full.getShape().get(0))];
      for (int i = 0; i < vocab.length; i++) vocab[i] = i;
    }
    NDArray table = full; // [V', D]
    if (o.vocabulary() != null) {
      table = full.get(new NDIndex("{}", x0.getManager().create(longs(vocab))));
      table.attach(x0.getManager()); // a copy of the rows (never attach the model's own table: it would be freed)
    }
    int v = vocab.length;
    int k = o.k();
    TokenDistribution dist = TokenDistribution.uniform(k, v);
    TokenAdam adam = new TokenAdam(k * v, o.lr(), o.weightDecay());
    SplittableRandom pick = new SplittableRandom(seed);
    TorchRandom noise = new TorchRandom(seed + 1);
    int per = Math.toIntExact(x0.getShape().size());
    List<Step> out = new ArrayList<>();
    for (int t : o.timesteps()) {
      double total = 0;
      int skipped = 0;
      for (int it = 0; it < o.iterations(); it++) {
        int[] idx = dist.sample(pick);
        Gradient g = gradient(sd, ap, lossFn, x0, t, TokenDistribution.oneHot(idx, v), map(idx, vocab), noise.randn(per), table);
        if (!ConceptInversion.finite(g.loss(), g.dOneHot())) {
          skipped++;
          continue; // counted in the step record
        }
        total += g.loss();
        float[] ste = g.dOneHot();
        for (int i = 0; i < ste.length; i++) ste[i] = Math.max(-1f, Math.min(1f, ste[i])); // hardtanh
        adam.step(dist.probs(), ste);
        dist.project();
      }
      int[] tokens = map(dist.argmax(), vocab);
      String prompt = ap.decode(sd.tokenizer, tokens);
      Judge.Verdict verdict = check.check(prompt);
      Step s = new Step(t, total / Math.max(1, o.iterations() - skipped), skipped, tokens, prompt, verdict.shows(), verdict.score(),
          verdict.label());
      out.add(s);
      steps.accept(s);
      if (s.shows()) break;
    }
    return out;
  }

  /** The loss at one (one-hot tokens, timestep, noise) and its gradient w.r.t. the one-hot matrix [k, V]. */
  public record Gradient(double loss, float[] dOneHot) {}

  /**
   * L(P) with the adversarial rows = P E (E the token embedding table), and dL/dP, at P = the given
   * matrix [k, V] (one-hot during the attack; any matrix for the gradient check).
   */
  public static Gradient gradient(StableDiffusion sd, AdversarialPrompt ap, NoiseLoss lossFn, NDArray x0, int t,
      float[] p, int[] ids, float[] noise) {
    return gradient(sd, ap, lossFn, x0, t, p, ids, noise, sd.textEncoder.tokenEmbeddings());
  }

  /** @param table [V', D] the embeddings the rows of P range over (the whole table, or a restricted vocabulary's rows) */
  static Gradient gradient(StableDiffusion sd, AdversarialPrompt ap, NoiseLoss lossFn, NDArray x0, int t, float[] p, int[] ids,
      float[] noise, NDArray table) {
    NDArray full = sd.textEncoder.tokenEmbeddings();
    int v = Math.toIntExact(table.getShape().get(0));
    try (NDManager s = x0.getManager().newSubManager()) {
      NDArray pm = s.create(p, new Shape(ap.k, v));
      pm.setRequiresGradient(true);
      NDArray n = s.create(noise, x0.getShape());
      long[] idv = ap.ids(ids);
      NDArray idArr = s.create(idv, new Shape(1, idv.length));
      double loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray adv = pm.matMul(table); // [k, D]
        NDArray emb = ap.embeds(s, full, adv); // [1, 77, D]
        NDArray ctx = sd.textEncoder.forwardEmbeds(emb, idArr, null).lastHiddenState();
        NDArray l = lossFn.loss(sd.unet, x0, t, n, ctx);
        gc.backward(l);
        loss = l.getFloat();
      }
      return new Gradient(loss, pm.getGradient().toFloatArray());
    }
  }

  static int[] map(int[] idx, int[] vocab) {
    int[] out = new int[idx.length];
    for (int i = 0; i < idx.length; i++) out[i] = vocab[idx[i]];
    return out;
  }

  static long[] longs(int[] a) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) out[i] = a[i];
    return out;
  }

  @Override
  public String name() {
    return AttackMethodKind.UNLEARNDIFF.cliName();
  }

  @Override
  public Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("k", o.k());
    m.put("iterations", o.iterations());
    m.put("timesteps", Arrays.stream(o.timesteps()).boxed().toList());
    m.put("lr", o.lr());
    m.put("weight_decay", o.weightDecay());
    m.put("insertion", "prefix_k");
    if (o.vocabulary() != null) m.put("vocabulary", Arrays.stream(o.vocabulary()).boxed().toList());
    return m;
  }

  @Override
  public void validate(Context ctx) {
    StableDiffusion sd = ctx.models().attacked();
    if (sd.isSdxl()) throw new UserError("UnlearnDiffAtk is implemented for SD-1.x/2.x models (one text encoder), not SDXL");
    for (PromptRow r : ctx.rows()) AdversarialPrompt.of(sd.tokenizer, r.prompt(), o.k());
    int trainSteps = NoiseLoss.of(sd).numTrainTimesteps();
    for (int t : o.timesteps()) {
      if (t < 0 || t >= trainSteps) throw new UserError("timestep " + t + " is outside the model's 0.." + (trainSteps - 1));
    }
  }

  @Override
  public Attempt attack(Context ctx, PromptRow row, RgbImage target) {
    long seed = ctx.seedOf(row);
    double guidance = ctx.guidanceOf(row);
    StableDiffusion base = ctx.models().base();
    try (NDManager m = base.manager.newSubManager()) {
      NDArray x0 = TargetLatents.encode(base.vae, target, m); // [1, C, h, w]
      StableDiffusion sd = ctx.models().attacked();
      AdversarialPrompt ap = AdversarialPrompt.of(sd.tokenizer, row.prompt(), o.k());
      RgbImage[] last = new RgbImage[1];
      Judge.Verdict[] verdict = new Judge.Verdict[1];
      Check check = prompt -> {
        last[0] = AttackImages.generate(sd, prompt, seed, guidance, ctx.generation(), null);
        verdict[0] = ctx.judge().judge(last[0], ctx.concept());
        return verdict[0];
      };
      List<Step> steps = run(sd, ap, x0, seed, check, s -> ctx.log().note(String.format(Locale.ROOT,
          "  t=%d loss %.4f -> '%s': %s (%s, %.3f)", s.timestep(), s.meanLoss(), s.prompt(), s.shows() ? "concept back" : "no",
          s.label(), s.score())));
      Step end = steps.get(steps.size() - 1);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("timesteps_run", steps.size());
      details.put("steps", steps);
      return new Attempt(end.prompt(), last[0], verdict[0], details);
    }
  }
}
