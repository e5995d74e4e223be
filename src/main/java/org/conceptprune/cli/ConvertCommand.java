package org.conceptprune.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.conceptprune.io.checkpoint.SingleFile;
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

/** {@code convert SRC DST}: diffusers folder <-> single-file .safetensors, tensors and dtypes unchanged. */
@Command(name = "convert", mixinStandardHelpOptions = true,
    description = "Convert between a diffusers folder and a single-file .safetensors (original SD key names). A DST ending in .safetensors is single-file, otherwise a diffusers folder.")
public final class ConvertCommand implements Callable<Integer> {
  static final List<String> COMPONENTS = List.of("unet", "vae", "text_encoder", "text_encoder_2");

  @Spec CommandSpec spec;
  @Mixin ModelOptions model;

  @Parameters(index = "1", paramLabel = "DST", description = "Output: a .safetensors file or a folder.")
  Path dst;

  @Option(names = "--overwrite", description = "Replace DST if it exists.")
  boolean overwrite;

  @Override
  public Integer call() {
    model.inputs().check("DST", dst, overwrite);
    try (ModelSource src = ModelSource.open(model.model, model.config)) {
      Map<String, TensorSource> comps = new LinkedHashMap<>();
      for (String c : COMPONENTS) if (src.has(c)) comps.put(c, src.weights(c));
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

  /** Configs and tokenizers from the source's config folder, weights re-written per component. */
  static void writeFolder(ModelSource src, Map<String, TensorSource> comps, Path dst) {
    AtomicFiles.writeFolder(dst, tmp -> {
      org.conceptprune.io.checkpoint.ConfigFiles.copy(src.configDir, tmp);
      for (Map.Entry<String, TensorSource> e : comps.entrySet()) {
        String file = e.getKey().startsWith("text_encoder") ? "model.safetensors" : "diffusion_pytorch_model.safetensors";
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        TensorSource t = e.getValue();
        for (TensorInfo i : t.tensors().values()) w.add(i.name(), i.dtype(), i.shape(), () -> t.bytes(i.name()));
        Files.createDirectories(tmp.resolve(e.getKey()));
        w.write(tmp.resolve(e.getKey()).resolve(file));
      }
    });
  }
}
