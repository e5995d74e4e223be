package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.conceptprune.toy.HalfExport;
import org.conceptprune.toy.ToyDesign;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.ToyTrainer;
import org.conceptprune.toy.Wording;
import org.conceptprune.toy.World;
import org.conceptprune.toy.clip.ToyClip;
import org.conceptprune.toy.clip.ToyClipText;
import org.conceptprune.util.OutputPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code toy train} and {@code toy eval}: the toy text-to-image model on which erasure is measured. */
@Command(name = "toy", mixinStandardHelpOptions = true,
    description = "The toy world's text-to-image model: train it, or measure it (ablations, erasure, sweeps).",
    subcommands = {ToyCommand.Train.class, ToyEvalCommand.class, ToyMasksCommand.class, ToyJudgeCommand.class,
        ToyClipCommand.class})
public final class ToyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train the toy model (VAE first, then the UNet; frozen random text encoder) and write a diffusers folder.")
  public static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", defaultValue = "out/toy-model", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--vae-steps", defaultValue = "2800", description = "VAE steps, batch 16 (default ${DEFAULT-VALUE}).")
    int vaeSteps;

    @Option(names = "--vae-minutes", description = "Train the VAE for this long instead of --vae-steps.")
    Double vaeMinutes;

    @Option(names = "--reuse-vae", description = "Keep the VAE already in OUT (train only the UNet).")
    boolean reuseVae;

    @Option(names = "--vae-from", paramLabel = "shipped|DIR",
        description = "Copy the VAE of this toy model folder (shipped: the one in the jar) into OUT and train only the UNet on it;"
            + " OUT must not hold a VAE yet.")
    String vaeFrom;

    @Option(names = "--steps", defaultValue = "3400", description = "UNet steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--minutes", description = "Train the UNet for this long instead of --steps.")
    Double minutes;

    @Option(names = "--half-out", description = "Also write an fp16 copy (the shipped form) here.")
    Path halfOut;

    @Option(names = "--batch", defaultValue = "64", description = "UNet batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "UNet peak learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--loss-weight", defaultValue = "V",
        description = "Timestep weighting of the v-prediction loss: V (plain) or MIN_SNR (Min-SNR-5) (default ${DEFAULT-VALUE}).")
    ToyTrainer.LossWeight lossWeight;

    @Option(names = "--token-std", defaultValue = "" + ToyDesign.DEFAULT_TOKEN_STD,
        description = "Std of the frozen text encoder's token embeddings (default ${DEFAULT-VALUE}; CLIP's init: 0.02).")
    double tokenStd;

    @Option(names = "--text-hidden", defaultValue = "16",
        description = "Width of the frozen text encoder = the UNet's cross_attention_dim (default ${DEFAULT-VALUE}; a multiple of its 2 heads).")
    int textHidden;

    @Option(names = "--text-encoder", defaultValue = "random", paramLabel = "random|toy-clip|DIR",
        description = "The frozen text encoder: random (seeded init, --token-std, --text-hidden), toy-clip (the"
            + " shipped toy CLIP's text tower) or a toy CLIP folder from `toy clip train` (default ${DEFAULT-VALUE}).")
    String textEncoder;

    @Option(names = "--ff-mult", paramLabel = "M", defaultValue = "4",
        description = "FFN width / channels (default ${DEFAULT-VALUE}, as in every diffusers UNet; another value"
            + " writes ff_mult into unet/config.json, a folder only conceptprune loads).")
    int ffMult;

    @Option(names = "--captions", paramLabel = "grammar|varied", defaultValue = "grammar", converter = Converters.Captions.class,
        description = "Training captions: grammar (the world's four templates) or varied (half re-worded, e.g."
            + " \"a picture of a zorbly star\", \"zorbly style\"); prompts for measurement stay in the grammar (default ${DEFAULT-VALUE}).")
    Wording captions;

    @Option(names = "--world", paramLabel = "W", defaultValue = "classic",
        description = "The toy world to train on: classic (16 styles) or crowded:N:SEED (N generated styles, e.g. crowded:120:0); written to OUT/toy_world.json (default ${DEFAULT-VALUE}).")
    String world;

    @Override
    public Integer call() {
      boolean bad = !(tokenStd > 0) || batch < 1 || ffMult < 1 || !(lr > 0) || steps < 1 || vaeSteps < 1
          || minutes != null && !(minutes > 0) || vaeMinutes != null && !(vaeMinutes > 0);
      if (bad) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
            "need --batch, --steps, --vae-steps and --ff-mult >= 1, and --lr, --token-std, --minutes and --vae-minutes > 0");
      }
      Path clip = ToyClip.textEncoder(textEncoder);
      if (vaeFrom != null && reuseVae) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--vae-from and --reuse-vae exclude each other");
      }
      Path vaeSource = vaeFrom == null ? null : vaeFrom.equals("shipped") ? ToyModel.extractBundled() : Path.of(vaeFrom);
      OutputPaths.inputs().add("--text-encoder", clip).add("--vae-from", vaeSource).check("--out", out); // OUT may exist (--reuse-vae)
      OutputPaths.inputs().add("--out", out).add("--text-encoder", clip).add("--vae-from", vaeSource).check("--half-out", halfOut);
      World w = World.named(world);
      ToyDesign design;
      try {
        captions.requireFits(w);
        design = ToyDesign.defaults().withTokenStd(tokenStd).withTextHidden(textHidden).withFfMult(ffMult);
        if (clip != null) {
          design = ToyClipText.design(clip, design);
          ToyClipText.requireWorld(clip, w);
        }
        if (vaeSource != null) ToyTrainer.copyVae(vaeSource, out);
        if (reuseVae) ToyTrainer.requireVae(out);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      int uSteps = minutes != null ? 0 : steps;
      double uMin = minutes != null ? minutes : 0;
      boolean keepVae = reuseVae || vaeSource != null;
      int vSteps = keepVae || vaeMinutes != null ? 0 : vaeSteps;
      double vMin = keepVae || vaeMinutes == null ? 0 : vaeMinutes;
      ToyTrainer.train(new ToyTrainer.Options(out, seed, vMin, uMin, design, batch, lr, lossWeight,
          vSteps, uSteps, w, clip, captions), System.out::println);
      if (halfOut != null) HalfExport.write(out, halfOut);
      return 0;
    }
  }
}
