package org.conceptprune.toy.clip;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.model.clip.ClipTextConfig;
import org.conceptprune.model.clip.ClipTextModel;
import org.conceptprune.nn.WeightLoader;
import org.conceptprune.toy.ToyDesign;
import org.conceptprune.toy.ToyModel;
import org.conceptprune.toy.World;
import org.conceptprune.util.UserError;

/**
 * The text tower of a toy CLIP as the toy UNet's frozen text encoder, as Stable Diffusion takes
 * CLIP's: the same {@code text_model.*} weights, its last_hidden_state as the UNet's context.
 */
public final class ToyClipText {
  private ToyClipText() {}

  /** The CLIP folder's text tower settings, checked to be a toy CLIP's (toy vocabulary, 4x MLP). */
  static ClipTextConfig config(Path clipDir) {
    Path cfg = clipDir.resolve("config.json");
    if (!Files.isRegularFile(cfg) || !Files.isRegularFile(clipDir.resolve(ToyClipTrainer.WEIGHTS))) {
      throw new UserError(clipDir + ": not a toy CLIP folder (needs config.json and " + ToyClipTrainer.WEIGHTS
          + "; `toy clip train` writes one)");
    }
    ClipTextConfig c = ClipTextConfig.read(cfg);
    if (c.vocabSize() != ToyClipDesign.VOCAB || c.intermediateSize() != 4 * c.hiddenSize()
        || c.eosTokenId() != ToyClipDesign.EOS) {
      throw new UserError(cfg + ": text_config is not a toy CLIP's (vocab_size " + c.vocabSize() + ", expected "
          + ToyClipDesign.VOCAB + "; intermediate_size " + c.intermediateSize() + ", expected 4 x hidden_size "
          + c.hiddenSize() + "; eos_token_id " + c.eosTokenId() + ", expected " + ToyClipDesign.EOS + ")");
    }
    return c;
  }

  /** Checks that the CLIP was trained on the world a UNet is about to be trained on. */
  public static void requireWorld(Path clipDir, World world) {
    World w = ToyModel.world(clipDir);
    if (!w.equals(world)) {
      throw new UserError(clipDir + ": this toy CLIP was trained on the " + w.name() + " world, the UNet is to be trained on the "
          + world.name() + " world (toy clip train --world " + world.name() + ")");
    }
  }

  /** Copies the CLIP folder into model/clip/, so the model carries the encoder it was trained on (and its scorer). */
  public static void copyInto(Path clipDir, Path model) {
    Path to = model.resolve(ToyClip.MODEL_SUBDIR);
    try {
      Files.createDirectories(to);
      try (var files = Files.list(clipDir)) {
        for (Path f : files.toList()) {
          if (Files.isRegularFile(f)) Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The toy UNet design whose text encoder has the CLIP's text tower shape. */
  public static ToyDesign design(Path clipDir, ToyDesign base) {
    ClipTextConfig c = config(clipDir);
    return base.withTextTower(c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads());
  }

  /** Binds te (a text encoder of the same shape) to the CLIP's text_model.* weights. */
  public static void load(ClipTextModel te, Path clipDir, NDManager m) {
    ClipTextConfig c = config(clipDir);
    if (c.hiddenSize() != te.config.hiddenSize() || c.numHiddenLayers() != te.config.numHiddenLayers()) {
      throw new UserError(clipDir + ": text tower " + c.hiddenSize() + " wide x " + c.numHiddenLayers()
          + " layers, the text encoder to fill is " + te.config.hiddenSize() + " x " + te.config.numHiddenLayers());
    }
    try (TensorSource src = ShardedSafetensors.open(clipDir)) {
      WeightLoader.load("toy CLIP text tower", te, src, m, k -> !k.startsWith("text_model.") || ClipTextModel.isBuffer(k),
          DataType.FLOAT32);
    }
  }
}
