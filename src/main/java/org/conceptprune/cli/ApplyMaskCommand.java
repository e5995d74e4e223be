package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.ModelHash;
import org.conceptprune.prune.PruneJob;
import org.conceptprune.prune.PrunedWriter;
import org.conceptprune.prune.WeightSource;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code apply-mask MODEL --mask PATCH --out OUT}: zero the patch's weights in the model it was made
 * for; with {@code --invert --original BASE}, put the original values back into a pruned model.
 */
@Command(name = "apply-mask", mixinStandardHelpOptions = true,
    description = "Apply a mask patch to its base model (or, with --invert --original, undo it), writing a new model in the input's layout.")
public final class ApplyMaskCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;

  @Option(names = "--mask", paramLabel = "PATCH", required = true, description = "A mask patch (.safetensors) from prune or mask.")
  Path mask;

  @Option(names = {"-o", "--out"}, paramLabel = "OUT", required = true, description = "The output model (folder, or .safetensors for a single file).")
  Path out;

  @Option(names = "--force", description = "Apply even if the model's content hash differs from the patch's base model.")
  boolean force;

  @Option(names = "--invert", description = "Restore the masked weights from --original instead of zeroing them.")
  boolean invert;

  @Option(names = "--original", paramLabel = "BASE", description = "With --invert: the unpruned base model (same layout rules as MODEL).")
  Path original;

  @Option(names = "--overwrite", description = "Replace OUT if it exists.")
  boolean overwrite;

  @Override
  public Integer call() {
    model.inputs().add("--mask", mask).add("--original", original).check("--out", out, overwrite);
    if (invert && original == null) throw new UserError("--invert needs --original BASE (the unpruned model)");
    if (!invert && original != null) throw new UserError("--original is only used with --invert");
    MaskPatch patch = MaskPatch.read(mask);
    String base = patch.metadata().get(MaskPatch.BASE_MODEL_HASH);
    Component component = PruneJob.componentOf(patch.masks().layers());
    var err = spec.commandLine().getErr();
    try (ModelSource src = ModelSource.open(model.model, model.config); PruneJob job = new PruneJob(src, err)) {
      checkShapes(model.model, src.weights(component), patch);
      PrunedWriter.Edit edit;
      if (invert) {
        try (ModelSource orig = ModelSource.open(original, model.config)) {
          String oh = ModelHash.of(orig.weights(Component.UNET));
          checkBase(original, "is not the patch's base model", oh, base, "restore");
          TensorSource ow = orig.weights(component);
          checkShapes(original, ow, patch);
          // The original values of the masked layers only: a few layers, read before anything is written.
          WeightSource weights = WeightSource.of(ow);
          Map<String, float[]> kept = new java.util.HashMap<>();
          for (String layer : patch.masks().layers()) kept.put(layer, weights.weight(layer).w());
          edit = (layer, m, w) -> restore(m, w, kept.get(layer));
          job.writePruned(out, patch.masks(), edit, meta(), overwrite);
        }
      } else {
        checkBase(model.model, "is not the model this patch was made for", job.modelHash(), base, "apply");
        job.writePruned(out, patch.masks(), PrunedWriter.ZERO, meta(), overwrite);
      }
      spec.commandLine().getOut().printf("%s %d weights of %d layers -> %s%n", invert ? "restored" : "zeroed",
          patch.masks().overall().pruned(), patch.masks().layers().size(), out);
      return 0;
    }
  }

  private Map<String, String> meta() {
    return Map.of("conceptprune_mask", mask.getFileName().toString(), "conceptprune_inverted", Boolean.toString(invert));
  }

  /** Refuses a model whose content hash is not the patch's base model's, unless --force. */
  private void checkBase(Path model, String what, String hash, String base, String verb) {
    if (base != null && !hash.equals(base) && !force) {
      throw new UserError(model + " " + what + " (hash " + hash.substring(0, 12) + "..., patch " + base.substring(0, 12)
          + "...); --force to " + verb + " anyway");
    }
  }

  static void restore(LayerMask m, float[] w, float[] original) {
    for (int p = m.nextSetBit(0); p >= 0; p = m.nextSetBit(p + 1)) w[p] = original[p];
  }

  /** Every layer the patch names must exist in {@code model} with the mask's shape. */
  static void checkShapes(Path model, TensorSource weights, MaskPatch patch) {
    for (String layer : patch.masks().layers()) {
      var info = weights.tensors().get(layer + ".weight");
      LayerMask m = patch.masks().get(layer);
      if (info == null) throw new UserError(model + " has no layer '" + layer + "' named by the patch");
      if (info.shape().length != 2 || info.shape()[0] != m.out() || info.shape()[1] != m.in()) {
        throw new UserError(model + ": layer '" + layer + "' has weight " + info.shapeString() + " but the patch's mask is ["
            + m.out() + ", " + m.in() + "]");
      }
    }
  }
}
