package org.conceptprune.toy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.util.UserError;

/**
 * The trained toy model shipped in the jar under {@value #RESOURCE_DIR} (a diffusers folder, weights
 * in fp16), and the export that makes it from a training run.
 */
public final class ToyModel {
  private ToyModel() {}

  public static final String RESOURCE_DIR = "/conceptprune/toy/model/";

  /** Every file of the folder. */
  public static final List<String> FILES = List.of("model_index.json", "scheduler/scheduler_config.json",
      "unet/config.json", "unet/diffusion_pytorch_model.safetensors", "vae/config.json",
      "vae/diffusion_pytorch_model.safetensors", "text_encoder/config.json", "text_encoder/model.safetensors",
      "tokenizer/merges.txt", "tokenizer/vocab.json", "tokenizer/special_tokens_map.json",
      "tokenizer/tokenizer_config.json");

  private static void deleteTree(Path p) {
    try (var s = Files.walk(p)) {
      for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
    } catch (IOException ignored) {
      // a temporary copy: nothing else to do
    }
  }

  public static boolean bundledAvailable() {
    return ToyModel.class.getResource(RESOURCE_DIR + "unet/diffusion_pytorch_model.safetensors") != null;
  }

  /** Copies the shipped model to a temporary folder (weights are memory-mapped) and returns it. */
  public static Path extractBundled() {
    if (!bundledAvailable()) throw new UserError("no trained toy model in the jar (" + RESOURCE_DIR + ")");
    try {
      Path tmp = Files.createTempDirectory("conceptprune-toy-model");
      for (String f : FILES) {
        Path to = tmp.resolve(f);
        Files.createDirectories(to.getParent());
        try (InputStream in = ToyModel.class.getResourceAsStream(RESOURCE_DIR + f)) {
          Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      // deleteOnExit cannot remove a non-empty folder: remove the whole copy when the JVM ends.
      java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(tmp)));
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a trained folder to {@code to} with every weight file rewritten in fp16. */
  public static void exportHalf(Path from, Path to) {
    try {
      for (String f : FILES) {
        Path dst = to.resolve(f);
        Files.createDirectories(dst.getParent());
        if (!f.endsWith(".safetensors")) {
          Files.copy(from.resolve(f), dst, StandardCopyOption.REPLACE_EXISTING);
          continue;
        }
        SafetensorsFile sf = SafetensorsFile.open(from.resolve(f));
        try {
          SafetensorsWriter w = new SafetensorsWriter();
          Map<String, String> meta = sf.metadata();
          if (meta != null) w.metadata(meta);
          for (var e : sf.tensors().entrySet()) {
            float[] v = sf.floats(e.getKey());
            ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < v.length; i++) b.putShort(2 * i, DType.floatToHalf(v[i]));
            w.add(e.getKey(), DType.F16, e.getValue().shape(), b);
          }
          w.write(dst);
        } finally {
          sf.close();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
