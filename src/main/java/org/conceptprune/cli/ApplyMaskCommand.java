package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
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
    MaskPatch patch = MaskPatch.read(mask);
    String base = patch.metadata().get(MaskPatch.BASE_MODEL_HASH);
    var err = spec.commandLine().getErr();
    try (ModelSource src = ModelSource.open(model.model, model.config); PruneJob job = new PruneJob(src, err)) {
      PrunedWriter.Edit edit;
      ModelSource orig = null;
      try {
        if (invert) {
          if (original == null) throw new UserError("--invert needs --original BASE (the unpruned model)");
          orig = ModelSource.open(original, model.config);
          String oh = ModelHash.of(orig.weights("unet"));
          if (base != null && !oh.equals(base) && !force) {
            throw new UserError(original + " is not the patch's base model (hash " + oh.substring(0, 12) + "..., patch " + base.substring(0, 12) + "...); --force to restore anyway");
          }
          WeightSource ow = WeightSource.of(orig.weights(PruneJob.componentOf(patch.masks())));
          edit = (layer, m, w) -> restore(m, w, ow.weight(layer).w());
        } else {
          String h = job.modelHash();
          if (base != null && !h.equals(base) && !force) {
            throw new UserError(model.model + " is not the model this patch was made for (hash " + h.substring(0, 12)
                + "..., patch " + base.substring(0, 12) + "...); --force to apply anyway");
          }
          edit = PrunedWriter.ZERO;
        }
        checkShapes(job.source.weights(PruneJob.componentOf(patch.masks())), patch);
        job.writePruned(out, patch.masks(), edit, Map.of("conceptprune_mask", mask.getFileName().toString(),
            "conceptprune_inverted", Boolean.toString(invert)), overwrite);
      } finally {
        if (orig != null) orig.close();
      }
      spec.commandLine().getOut().printf("%s %d weights of %d layers -> %s%n", invert ? "restored" : "zeroed",
          patch.masks().overall().pruned(), patch.masks().layers().size(), out);
      return 0;
    }
  }

  static void restore(LayerMask m, float[] w, float[] original) {
    for (int p = m.nextSetBit(0); p >= 0; p = m.nextSetBit(p + 1)) w[p] = original[p];
  }

  static void checkShapes(TensorSource unet, MaskPatch patch) {
    for (String layer : patch.masks().layers()) {
      var info = unet.tensors().get(layer + ".weight");
      LayerMask m = patch.masks().get(layer);
      if (info == null) throw new UserError("the model has no layer '" + layer + "' named by the patch");
      if (info.shape().length != 2 || info.shape()[0] != m.out() || info.shape()[1] != m.in()) {
        throw new UserError("layer '" + layer + "': the model's weight is " + info.shapeString() + " but the patch's mask is ["
            + m.out() + ", " + m.in() + "]");
      }
    }
  }
}
