package org.conceptprune.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.util.UserError;

/**
 * The weights of an evaluator (a torchvision state dict) for {@code evaluate}: a safetensors file or
 * a folder holding one. The same rule as {@code score classify}'s {@code openWeights}; PyTorch
 * pickles (.pth) are named here so the restricted pickle reader plugs in at this one place.
 */
public final class WeightFiles {
  private WeightFiles() {}

  public static TensorSource open(Path p) {
    String name = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".pth") || name.endsWith(".pt") || name.endsWith(".ckpt") || name.endsWith(".bin")) {
      throw new UserError(p + ": PyTorch pickle checkpoints are not readable by this build; convert the state dict to .safetensors");
    }
    if (!Files.exists(p)) throw new UserError(p + ": no such file");
    return ShardedSafetensors.open(p);
  }
}
