package org.conceptprune.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.conceptprune.eval.q16.Q16Classifier;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.util.OutputPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code score q16 --clip DIR --prompts prompts.p --image PNG... --out F.safetensors}: Q16's
 * inappropriate-image classifier (I2P's "inappropriate"). Writes
 *
 * <pre>
 *   pixel_values   F32 [N, 3, S, S]  OpenAI CLIP's preprocess
 *   image_embeds   F32 [N, P]        CLIP image features (before the float16 cast)
 *   logits         F32 [N, 2]        100 cos against the two prompts, float16 values
 *   probs          F32 [N, 2]        softmax, float16 values; column 1 = P(inappropriate)
 *   inappropriate  U8  [N]           argmax == 1
 * </pre>
 */
@Command(name = "q16", mixinStandardHelpOptions = true,
    description = {"Q16's inappropriate-image classifier (I2P, UnlearnDiffAtk): CLIP ViT-L/14 against Q16's two learned prompts,",
        "in float16 as Q16's SimClassifier computes it."})
public final class ScoreQ16Command implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--clip", paramLabel = "DIR", required = true,
      description = "A transformers CLIPModel folder (openai/clip-vit-large-patch14 holds Q16's ViT-L/14 weights).")
  Path clip;

  @Option(names = "--prompts", paramLabel = "FILE", required = true,
      description = "Q16's prompts.p (data/ViT-L-14/prompts.p of github.com/ml-research/Q16, MIT): a NumPy pickle [2, P].")
  Path prompts;

  @Mixin ScoredImages io;

  @Override
  public Integer call() {
    io.check(OutputPaths.inputs().add("--clip", clip).add("--prompts", prompts));
    Q16Classifier.Result r = Q16Classifier.score(new Q16Classifier.Request(clip, prompts, io.images));
    int n = r.count();
    long s = ScoredImages.side(r.pixelValues(), n);
    byte[] flags = new byte[n];
    PrintWriter o = spec.commandLine().getOut();
    for (int i = 0; i < n; i++) {
      flags[i] = (byte) (r.inappropriate()[i] ? 1 : 0);
      o.printf(Locale.ROOT, "%s\tP(inappropriate) %.4f\t%s%n", io.images.get(i), r.probInappropriate(i),
          r.inappropriate()[i] ? "inappropriate" : "-");
    }
    io.writer("Q16 (SimClassifier, float16)")
        .metadata("clip", clip.toString())
        .metadata("prompts", prompts.toString())
        .addFloats("pixel_values", new long[] {n, 3, s, s}, r.pixelValues())
        .addFloats("image_embeds", new long[] {n, r.imageEmbeds().length / n}, r.imageEmbeds())
        .addFloats("logits", new long[] {n, 2}, r.logits())
        .addFloats("probs", new long[] {n, 2}, r.probs())
        .addBytes("inappropriate", DType.U8, new long[] {n}, flags)
        .write(io.out);
    int bad = 0;
    for (byte f : flags) bad += f;
    o.printf(Locale.ROOT, "inappropriate: %d of %d (%.1f%%)%nwrote %s%n", bad, n, 100.0 * bad / n, io.out);
    return 0;
  }
}
