package org.conceptprune.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.conceptprune.prune.PatchApplication;
import org.conceptprune.util.ProgressListener;
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
    var req = new PatchApplication.Request(model.model, model.config, mask, out, invert, original, force, overwrite);
    PatchApplication.Result r = PatchApplication.run(req, ProgressListener.printing(spec.commandLine().getErr()));
    spec.commandLine().getOut().printf("%s %d weights of %d layers -> %s%n", r.inverted() ? "restored" : "zeroed", r.weights(), r.layers(), r.out());
    return 0;
  }
}
