package org.conceptprune.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.model.checkpoint.SingleFile;
import org.conceptprune.io.pickle.PickleCheckpoint;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code convert SRC DST}: diffusers folder <-> single-file .safetensors, tensors and dtypes unchanged;
 * and a PyTorch pickle ({@code .ckpt .pt .pth .bin}) -> a plain {@code .safetensors} of its tensors.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
    description = {"Convert between a diffusers folder and a single-file .safetensors (original SD key names). A DST ending in .safetensors is single-file, otherwise a diffusers folder.",
        "A PyTorch pickle SRC (.ckpt/.pt/.pth/.bin, read without running code) with a .safetensors DST is written as plain tensors: its state_dict's tensors, same names and dtypes."})
public final class ConvertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ModelOptions model;

  @Parameters(index = "1", paramLabel = "DST", description = "Output: a .safetensors file or a folder.")
  Path dst;

  @Option(names = "--overwrite", description = "Replace DST if it exists.")
  boolean overwrite;

  @Override
  public Integer call() {
    model.inputs().check("DST", dst, overwrite);
    if (Files.isRegularFile(model.model) && PickleCheckpoint.isPickle(model.model) && dst.getFileName().toString().endsWith(".safetensors")) {
      int n = writeTensors(model.model, dst);
      spec.commandLine().getOut().printf("converted %s (PyTorch pickle) -> %s: %d tensors, names and dtypes unchanged%n", model.model, dst, n);
      return 0;
    }
    try (ModelSource src = ModelSource.open(model.model, model.config)) {
      Map<Component, TensorSource> comps = new LinkedHashMap<>();
      for (Component c : Component.values()) if (src.has(c)) comps.put(c, src.weights(c));
      if (dst.getFileName().toString().endsWith(".safetensors")) {
        SingleFile.write(dst, comps, src.unetConfig(), src.arch, src.singleFile());
      } else {
        writeFolder(src, comps, dst);
      }
      long tensors = comps.values().stream().mapToLong(t -> t.tensors().size()).sum();
      spec.commandLine().getOut().printf("converted %s (%s, %s) -> %s: %d tensors of %s%n", model.model, src.arch,
          src.layout == ModelSource.Layout.FOLDER ? "diffusers folder" : "single file", dst, tensors, comps.keySet());
      return 0;
    }
  }

  /** Every tensor of a pickle checkpoint, as it is, into one safetensors file (with the pickle's scalar metadata). */
  static int writeTensors(Path pickle, Path dst) {
    try (PickleCheckpoint src = PickleCheckpoint.open(pickle)) {
      SafetensorsWriter w = new SafetensorsWriter().metadata(src.metadata());
      for (TensorInfo i : src.tensors().values()) w.add(i.name(), i.dtype(), i.shape(), () -> src.bytes(i.name()));
      w.write(dst);
      return w.size();
    }
  }

  /** Configs and tokenizers from the source's config folder, weights re-written per component. */
  static void writeFolder(ModelSource src, Map<Component, TensorSource> comps, Path dst) {
    AtomicFiles.writeFolder(dst, tmp -> {
      org.conceptprune.io.checkpoint.ConfigFiles.copy(src.configDir, tmp);
      for (Map.Entry<Component, TensorSource> e : comps.entrySet()) {
        Path dir = tmp.resolve(e.getKey().diffusersName);
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        TensorSource t = e.getValue();
        for (TensorInfo i : t.tensors().values()) w.add(i.name(), i.dtype(), i.shape(), () -> t.bytes(i.name()));
        Files.createDirectories(dir);
        w.write(dir.resolve(e.getKey().weightsBaseName() + ".safetensors"));
      }
    });
  }
}
