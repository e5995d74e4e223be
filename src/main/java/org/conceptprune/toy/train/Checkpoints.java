package org.conceptprune.toy.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Map;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Parameter;
import org.conceptprune.nn.WeightLoader;

/** Saves a module's parameters as safetensors (keys = parameter paths, fp32) and loads them back. */
public final class Checkpoints {
  private Checkpoints() {}

  public static void save(Module module, Path file, Map<String, String> metadata) {
    SafetensorsWriter w = new SafetensorsWriter();
    if (metadata != null) w.metadata(metadata);
    for (Map.Entry<String, Parameter> e : module.parameters().entrySet()) {
      float[] v = e.getValue().value().toType(DataType.FLOAT32, false).toFloatArray();
      w.addFloats(e.getKey(), e.getValue().shape(), v);
    }
    w.write(file);
  }

  /** Binds every parameter of module to the file's tensors (strict: keys and shapes must match). */
  public static void load(String what, Module module, Path file, NDManager manager) {
    SafetensorsFile f = SafetensorsFile.open(file);
    try {
      WeightLoader.load(what, module, f, manager, k -> false, DataType.FLOAT32);
    } finally {
      f.close();
    }
  }
}
