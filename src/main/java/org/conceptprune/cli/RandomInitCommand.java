package org.conceptprune.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.conceptprune.io.checkpoint.ConfigFiles;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.model.clip.ClipTextConfig;
import org.conceptprune.model.clip.ClipTextModel;
import org.conceptprune.model.unet.UNet2DConditionConfig;
import org.conceptprune.model.unet.UNet2DConditionModel;
import org.conceptprune.model.vae.AutoencoderKL;
import org.conceptprune.model.vae.AutoencoderKLConfig;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Parameter;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code random-init CONFIG OUT}: a model folder with random weights of the shapes CONFIG describes
 * (e.g. the real SD-1.5 configs), written like real checkpoints (fp16, UNet sharded), for benchmarks.
 */
@Command(name = "random-init", mixinStandardHelpOptions = true,
    description = "Write a diffusers model folder with seeded random weights for the configs in CONFIG (e.g. SD-1.5's), fp16 and sharded like real checkpoints.")
public final class RandomInitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "A diffusers folder of configs (unet/, vae/, text_encoder/ config.json, scheduler/, model_index.json); 'sd15' for the bundled SD-1.5 configs.")
  String config;

  @Parameters(index = "1", paramLabel = "OUT", description = "The model folder to write.")
  Path out;

  @Option(names = "--dtype", defaultValue = "fp16", description = "fp16 (default), bf16 or fp32.")
  String dtype;

  @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--shard-size", paramLabel = "MB", defaultValue = "1024", description = "UNet shard size in MiB (default ${DEFAULT-VALUE}: SD-1.5's UNet becomes 2 shards).")
  long shardMb;

  @Option(names = "--components", split = ",", defaultValue = "unet,vae,text_encoder", paramLabel = "NAME", converter = Converters.ComponentName.class,
      description = "Which weights to write: unet, vae, text_encoder, text_encoder_2 (default: ${DEFAULT-VALUE}).")
  List<Component> components;

  @Option(names = "--overwrite", description = "Replace OUT if it exists.")
  boolean overwrite;

  @Override
  public Integer call() throws IOException {
    DType dt = switch (dtype.toLowerCase()) {
      case "fp16", "f16", "float16" -> DType.F16;
      case "bf16", "bfloat16" -> DType.BF16;
      case "fp32", "f32", "float32" -> DType.F32;
      default -> throw new UserError("--dtype must be fp16, bf16 or fp32, got " + dtype);
    };
    OutputPaths.inputs().add("CONFIG", config.equals("sd15") ? null : Path.of(config)).check("OUT", out, overwrite);
    Path cfg = configDir();
    long[] total = {0};
    AtomicFiles.writeFolder(out, tmp -> total[0] = write(cfg, tmp, dt));
    spec.commandLine().getOut().printf("wrote %s: %,d random %s parameters (seed %d)%n", out, total[0], dt, seed);
    return 0;
  }

  /** Configs, tokenizer and seeded random weights of every requested component into {@code out}; returns the parameter count. */
  private long write(Path cfg, Path out, DType dt) throws IOException {
    copyConfigs(cfg, out);
    long total = 0;
    for (Component c : components) {
      Path dir = out.resolve(c.diffusersName);
      Module m = switch (c) {
        case UNET -> new UNet2DConditionModel(UNet2DConditionConfig.read(dir.resolve("config.json")));
        case VAE -> new AutoencoderKL(AutoencoderKLConfig.read(dir.resolve("config.json")));
        case TEXT_ENCODER, TEXT_ENCODER_2 -> new ClipTextModel(ClipTextConfig.read(dir.resolve("config.json")));
      };
      SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
      for (var e : m.parameters().entrySet()) {
        String name = e.getKey();
        Parameter p = e.getValue();
        w.add(name, dt, p.shape(), () -> TensorInit.bytes(name, p.shape(), seed, dt));
        total += p.numel();
      }
      if (c == Component.UNET) w.writeSharded(dir, c.weightsBaseName(), shardMb << 20);
      else w.write(dir.resolve(c.weightsBaseName() + ".safetensors"));
      spec.commandLine().getOut().printf("%s: %,d parameters%n", c, m.parameterCount());
    }
    return total;
  }

  private Path configDir() throws IOException {
    if (!config.equals("sd15")) {
      Path p = Path.of(config);
      if (!Files.exists(p.resolve("unet/config.json"))) throw new UserError(config + ": no unet/config.json");
      return p;
    }
    Path tmp = Files.createTempDirectory("conceptprune-sd15-");
    org.conceptprune.model.checkpoint.SingleFileConfigs.extract(org.conceptprune.io.checkpoint.SdArch.SD1, tmp);
    return tmp;
  }

  /** Copies the configs and tokenizer files; a missing tokenizer becomes the bundled SD-1.x one. */
  static void copyConfigs(Path from, Path to) throws IOException {
    ConfigFiles.copy(from, to);
    Path tok = to.resolve("tokenizer");
    if (!Files.isDirectory(tok)) {
      Files.createDirectories(tok);
      for (String f : List.of("tokenizer_config.json", "special_tokens_map.json")) {
        ConfigFiles.copyResource("/conceptprune/configs/sd15/tokenizer/" + f, tok.resolve(f));
      }
    }
    ConfigFiles.addTokenizerFiles(to);
  }

  /** Seeded PyTorch-like initial values, per tensor (independent of write order). */
  static final class TensorInit {
    static ByteBuffer bytes(String name, long[] shape, long seed, DType dt) {
      int n = 1;
      for (long d : shape) n = Math.multiplyExact(n, (int) d);
      SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
      ByteBuffer b = ByteBuffer.allocate(n * dt.size).order(ByteOrder.LITTLE_ENDIAN);
      boolean embedding = name.contains("embedding.weight") && shape.length == 2 && name.contains("embeddings.");
      boolean normWeight = shape.length == 1 && name.endsWith("weight");
      boolean bias = name.endsWith("bias");
      long fanIn = 1;
      for (int i = 1; i < shape.length; i++) fanIn *= shape[i];
      double bound = 1.0 / Math.sqrt(Math.max(1, fanIn));
      for (int i = 0; i < n; i++) {
        float v;
        if (embedding) v = (float) (0.02 * gaussian(r));
        else if (normWeight) v = 1f;
        else if (bias) v = 0f;
        else v = (float) ((r.nextDouble() * 2 - 1) * bound);
        put(b, i, v, dt);
      }
      return b;
    }

    /** Irwin-Hall approximation of N(0, 1): the sum of 12 uniforms minus 6. */
    private static double gaussian(SplittableRandom r) {
      double s = 0;
      for (int k = 0; k < 12; k++) s += r.nextDouble();
      return s - 6;
    }

    private static void put(ByteBuffer b, int i, float v, DType dt) {
      switch (dt) {
        case F16 -> b.putShort(2 * i, DType.floatToHalf(v));
        case BF16 -> b.putShort(2 * i, DType.floatToBf16(v));
        default -> b.putFloat(4 * i, v);
      }
    }
  }
}
