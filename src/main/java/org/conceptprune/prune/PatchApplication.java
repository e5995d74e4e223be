package org.conceptprune.prune;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.util.ProgressListener;
import org.conceptprune.util.UserError;

/**
 * A mask patch applied to the model it was made for (its weights zeroed), or undone (with the
 * original values put back from the unpruned base model): a new model in the input's layout.
 */
public final class PatchApplication {
  private PatchApplication() {}

  /**
   * @param model the model to edit (folder or single file); @param config configs for a single file (null: bundled)
   * @param original with {@code invert}: the unpruned base model the values come from
   * @param force edit even when a content hash differs from the patch's base model
   */
  public record Request(Path model, Path config, Path patch, Path out, boolean invert, Path original, boolean force, boolean overwrite) {
    public Request {
      if (invert && original == null) throw new UserError("--invert needs --original BASE (the unpruned model)");
      if (!invert && original != null) throw new UserError("--original is only used with --invert");
    }
  }

  /** What was written: how many weights of how many layers were zeroed (or restored). */
  public record Result(long weights, int layers, Path out, boolean inverted) {}

  public static Result run(Request r, ProgressListener log) {
    MaskPatch patch = MaskPatch.read(r.patch());
    Component component = PruneJob.componentOf(patch.masks().layers());
    Map<String, String> meta = Map.of("conceptprune_mask", r.patch().getFileName().toString(), "conceptprune_inverted",
        Boolean.toString(r.invert()));
    try (ModelSource src = ModelSource.open(r.model(), r.config()); PruneJob job = new PruneJob(src, log)) {
      checkShapes(r.model(), src.weights(component), patch);
      if (r.invert()) {
        try (ModelSource orig = ModelSource.open(r.original(), r.config())) {
          checkBase(r, patch, r.original(), "is not the patch's base model", ModelHash.of(orig.weights(Component.UNET)), "restore");
          TensorSource ow = orig.weights(component);
          checkShapes(r.original(), ow, patch);
          // The original values of the masked layers only: a few layers, read before anything is written.
          WeightSource weights = WeightSource.of(ow);
          Map<String, float[]> kept = new HashMap<>();
          for (String layer : patch.masks().layers()) kept.put(layer, weights.weight(layer).w());
          job.writePruned(r.out(), patch.masks(), (layer, m, w) -> restore(m, w, kept.get(layer)), meta, r.overwrite());
        }
      } else {
        checkBase(r, patch, r.model(), "is not the model this patch was made for", job.modelHash(), "apply");
        job.writePruned(r.out(), patch.masks(), PrunedWriter.ZERO, meta, r.overwrite());
      }
    }
    return new Result(patch.masks().overall().pruned(), patch.masks().layers().size(), r.out(), r.invert());
  }

  /** Refuses a model whose content hash is not the patch's base model's, unless forced. */
  private static void checkBase(Request r, MaskPatch patch, Path model, String what, String hash, String verb) {
    if (!patch.madeFor(hash) && !r.force()) {
      String base = patch.metadata().get(MaskPatch.BASE_MODEL_HASH);
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
