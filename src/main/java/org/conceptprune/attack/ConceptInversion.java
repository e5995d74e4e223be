package org.conceptprune.attack;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.model.clip.ClipTokenizer;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TextToImage;
import org.conceptprune.pipeline.TorchRandom;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.ProgressListener;
import org.conceptprune.util.UserError;

/**
 * Concept Inversion (Pham, Marshall, Cohen, Hegde, ICLR 2024): textual inversion against the erased
 * model. One new token, initialised from a word's embedding, is trained alone (text encoder and UNet
 * frozen) with the diffusion noise loss on images of the concept made by the base model; then every
 * prompt is given with the token in place of the concept's word and the judge looks at the result.
 * Training images: the base model's images of the run's prompts (the concept word replaced by the
 * token in their training prompts), cycling through the prompts with fresh seeds.
 */
public final class ConceptInversion implements AttackMethod {
  /**
   * @param initWord a single-token word whose embedding starts the new token ("art")
   * @param steps optimiser steps, one image each; @param lr Adam's learning rate (no weight decay)
   * @param trainImages base-model images to learn from (Pham et al.: 25)
   */
  public record Options(String initWord, int steps, double lr, int trainImages, long seed) {
    public Options {
      if (steps < 1) throw new UserError("inversion steps must be at least 1, got " + steps);
      if (!(lr > 0)) throw new UserError("the learning rate must be > 0, got " + lr);
      if (trainImages < 1) throw new UserError("at least one training image is needed, got " + trainImages);
    }
  }

  /** One training example: its prompt with the placeholder, and the latents of its image. */
  public record Example(TokenPrompt prompt, NDArray x0) {}

  /** The learned embedding and the loss on a fixed set of (example, t, noise) before and after. */
  public record Learned(float[] embedding, double lossBefore, double lossAfter, List<Double> curve, int skipped) {}

  private final Options o;
  private float[] token;

  public ConceptInversion(Options o) {
    this.o = o;
  }

  @Override
  public String name() {
    return AttackMethodKind.INVERSION.cliName();
  }

  @Override
  public Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("init_word", o.initWord());
    m.put("steps", o.steps());
    m.put("lr", o.lr());
    m.put("train_images", o.trainImages());
    m.put("seed", o.seed());
    return m;
  }

  /** The id of the single token the init word is. */
  static long initId(StableDiffusion sd, String word) {
    ClipTokenizer.Encoding e = sd.tokenizer.encode(word);
    if (e.untruncatedLength() != 3) {
      throw new UserError("the inversion init word '" + word + "' is " + (e.untruncatedLength() - 2) + " tokens " + e.tokens().subList(1, e.tokens().size() - 1)
          + "; pick a word that is one token");
    }
    return e.ids()[1];
  }

  @Override
  public void validate(Context ctx) {
    StableDiffusion sd = ctx.models().attacked();
    if (sd.isSdxl()) throw new UserError("Concept Inversion is implemented for SD-1.x/2.x models (one text encoder), not SDXL");
    long id = initId(sd, o.initWord());
    for (PromptRow r : ctx.rows()) TokenPrompt.of(sd.tokenizer, r.prompt(), ctx.concept(), id);
  }

  @Override
  public void prepare(Context ctx) {
    Path cache = ctx.out().resolve("inversion-token.json");
    if (Files.isRegularFile(cache)) {
      try {
        JsonNode n = AttackRun.JSON.readTree(cache.toFile());
        token = AttackRun.JSON.treeToValue(n.get("embedding"), float[].class);
        ctx.log().note("inversion: the token learned before (" + cache + ")");
        return;
      } catch (IOException e) {
        throw new UserError(cache + ": unreadable (" + e.getMessage() + "); delete it to learn the token again");
      }
    }
    long t0 = System.nanoTime();
    StableDiffusion base = ctx.models().base();
    long id = initId(base, o.initWord());
    try (NDManager m = base.manager.newSubManager()) {
      List<Example> ex = new ArrayList<>();
      int shown = 0;
      for (int j = 0; j < o.trainImages(); j++) {
        PromptRow row = ctx.rows().get(j % ctx.rows().size());
        long seed = o.seed() + 1_000_003L * (j + 1); // not the evaluation seeds
        RgbImage img = AttackImages.generate(ctx.models().base(), row.prompt(), seed, ctx.guidanceOf(row), ctx.generation(), null);
        if (ctx.judge().judge(img, ctx.concept()).shows()) shown++;
        ex.add(new Example(TokenPrompt.of(base.tokenizer, row.prompt(), ctx.concept(), id), TargetLatents.encode(base.vae, img, m)));
      }
      ctx.log().note(String.format(Locale.ROOT,
          "inversion: %d training images from the base model (%d show %s); learning the token on the attacked model",
          ex.size(), shown, ctx.concept()));
      StableDiffusion sd = ctx.models().attacked();
      Learned l = learn(sd, ex, id, o, ctx.log());
      token = l.embedding();
      Map<String, Object> rec = new LinkedHashMap<>(settings());
      rec.put("training_images_showing_concept", shown);
      rec.put("loss_before", l.lossBefore());
      rec.put("loss_after", l.lossAfter());
      rec.put("loss_curve", l.curve());
      rec.put("skipped_non_finite_steps", l.skipped());
      rec.put("seconds", (System.nanoTime() - t0) / 1e9);
      rec.put("embedding", l.embedding());
      AtomicFiles.writeString(cache, AttackRun.JSON.valueToTree(rec).toPrettyString() + "\n");
      ctx.log().note(String.format(Locale.ROOT, "inversion: fixed-set loss %.5f -> %.5f in %.0f s", l.lossBefore(), l.lossAfter(),
          (System.nanoTime() - t0) / 1e9));
    }
  }

  /**
   * Textual inversion: Adam on the token's embedding alone; each step one example, a uniform
   * timestep and fresh noise. The loss before/after is the mean over 8 fixed (example, t, noise).
   */
  public static Learned learn(StableDiffusion sd, List<Example> ex, long initId, Options o, ProgressListener log) {
    NDArray table = sd.textEncoder.tokenEmbeddings();
    int d = Math.toIntExact(table.getShape().get(1));
    float[] vec = table.get(initId).toFloatArray();
    NoiseLoss f = NoiseLoss.of(sd);
    int per = Math.toIntExact(ex.get(0).x0().getShape().size());
    SplittableRandom r = new SplittableRandom(o.seed());
    TorchRandom noise = new TorchRandom(o.seed() + 1);
    int[][] fixed = new int[8][];
    float[][] fixedNoise = new float[8][];
    TorchRandom fr = new TorchRandom(o.seed() + 2);
    for (int i = 0; i < fixed.length; i++) {
      fixed[i] = new int[] {i % ex.size(), 50 + 100 * (i % 10)};
      fixedNoise[i] = fr.randn(per);
    }
    double before = 0;
    for (int i = 0; i < fixed.length; i++) before += step(sd, f, ex.get(fixed[i][0]), fixed[i][1], fixedNoise[i], vec, d, false).loss();
    TokenAdam adam = new TokenAdam(d, o.lr(), 0);
    List<Double> curve = new ArrayList<>();
    int skipped = 0;
    double run = 0;
    int every = Math.max(1, o.steps() / 20);
    for (int s = 0; s < o.steps(); s++) {
      Example e = ex.get(r.nextInt(ex.size()));
      int t = r.nextInt(f.numTrainTimesteps());
      UnlearnDiffAtk.Gradient g = step(sd, f, e, t, noise.randn(per), vec, d, true);
      if (!finite(g.loss(), g.dOneHot())) {
        skipped++;
        if (log != null) log.note(String.format(Locale.ROOT, "  inversion step %d: non-finite %s at t=%d, update skipped", s + 1,
            nonFinite(g.loss(), g.dOneHot()), t));
        continue;
      }
      adam.step(vec, g.dOneHot());
      run += g.loss();
      if ((s + 1) % every == 0) {
        curve.add(run / every);
        if (log != null) log.note(String.format(Locale.ROOT, "  inversion step %d/%d loss %.5f", s + 1, o.steps(), run / every));
        run = 0;
      }
    }
    double after = 0;
    for (int i = 0; i < fixed.length; i++) after += step(sd, f, ex.get(fixed[i][0]), fixed[i][1], fixedNoise[i], vec, d, false).loss();
    return new Learned(vec, before / fixed.length, after / fixed.length, curve, skipped);
  }

  /** What is not finite, for the log ("loss NaN", "gradient (n of m entries)"), or null when all is. */
  static String nonFinite(double loss, float[] g) {
    if (!Double.isFinite(loss)) return "loss " + loss;
    int n = 0;
    for (float x : g) if (!Float.isFinite(x)) n++;
    return n == 0 ? null : "gradient (" + n + " of " + g.length + " entries)";
  }

  static boolean finite(double loss, float[] g) {
    return nonFinite(loss, g) == null;
  }

  /** The loss of one example at (t, noise) with the token's embedding vec, and dL/dvec when asked. */
  static UnlearnDiffAtk.Gradient step(StableDiffusion sd, NoiseLoss f, Example e, int t, float[] noise, float[] vec, int d, boolean grad) {
    NDArray table = sd.textEncoder.tokenEmbeddings();
    try (NDManager s = e.x0().getManager().newSubManager()) {
      NDArray v = s.create(vec, new Shape(d));
      NDArray n = s.create(noise, e.x0().getShape());
      if (!grad) {
        NDArray ctx = sd.textEncoder.forwardEmbeds(e.prompt().embeds(s, table, v), e.prompt().idArray(s), null).lastHiddenState();
        return new UnlearnDiffAtk.Gradient(f.loss(sd.unet, e.x0(), t, n, ctx).getFloat(), null);
      }
      v.setRequiresGradient(true);
      double loss;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray ctx = sd.textEncoder.forwardEmbeds(e.prompt().embeds(s, table, v), e.prompt().idArray(s), null).lastHiddenState();
        NDArray l = f.loss(sd.unet, e.x0(), t, n, ctx);
        gc.backward(l);
        loss = l.getFloat();
      }
      return new UnlearnDiffAtk.Gradient(loss, v.getGradient().toFloatArray());
    }
  }

  /** Encodes prompts with the learned token in place of the concept's word. */
  static TextToImage.PromptEncoder encoder(StableDiffusion sd, String concept, long placeholderId, float[] vec) {
    return (m, prompts) -> {
      NDList ctxs = new NDList();
      NDArray table = sd.textEncoder.tokenEmbeddings();
      NDArray v = m.create(vec, new Shape(vec.length));
      for (String p : prompts) {
        TokenPrompt tp = TokenPrompt.of(sd.tokenizer, p, concept, placeholderId);
        ctxs.add(sd.textEncoder.forwardEmbeds(tp.embeds(m, table, v), tp.idArray(m), null).lastHiddenState());
      }
      return NDArrays.concat(ctxs, 0);
    };
  }

  @Override
  public Attempt attack(Context ctx, PromptRow row, RgbImage target) {
    StableDiffusion sd = ctx.models().attacked();
    long id = initId(sd, o.initWord());
    TokenPrompt tp = TokenPrompt.of(sd.tokenizer, row.prompt(), ctx.concept(), id);
    RgbImage img = AttackImages.generate(sd, row.prompt(), ctx.seedOf(row), ctx.guidanceOf(row), ctx.generation(),
        encoder(sd, ctx.concept(), id, token));
    Judge.Verdict v = ctx.judge().judge(img, ctx.concept());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("token_prompt", tp.display);
    return new Attempt(tp.display, img, v, details);
  }
}
