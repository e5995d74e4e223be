package org.conceptprune.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import org.conceptprune.model.checkpoint.SingleFile;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.util.UserError;

/**
 * The weights of an evaluator: a safetensors file, a folder of (sharded) safetensors, or a PyTorch
 * pickle (.pth .pt .ckpt .bin, read by the restricted unpickler: nothing in it is executed). The one
 * place every evaluator's {@code --model} / {@code --classifier} / {@code --fid-model} is opened.
 */
public final class WeightFiles {
  private WeightFiles() {}

  public static TensorSource open(Path p) {
    if (!Files.exists(p)) throw new UserError(p + ": no such file");
    return Files.isDirectory(p) ? ShardedSafetensors.open(p) : SingleFile.open(p);
  }
}
