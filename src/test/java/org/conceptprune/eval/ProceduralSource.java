package org.conceptprune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Parameter;
import org.conceptprune.util.UserError;

/**
 * A checkpoint of {@link ProceduralWeights}: F32 tensors computed on demand from their names and
 * shapes, so a full-size model can be run (tests, benchmarks) without its real weights.
 */
public final class ProceduralSource implements TensorSource {
  private final Map<String, TensorInfo> tensors;
  private final long seed;

  private ProceduralSource(Map<String, long[]> shapes, long seed) {
    Map<String, TensorInfo> t = new TreeMap<>();
    shapes.forEach((name, shape) -> {
      long bytes = 4;
      for (long d : shape) bytes *= d;
      t.put(name, new TensorInfo(name, DType.F32, shape.clone(), null, 0, bytes));
    });
    this.tensors = Collections.unmodifiableMap(t);
    this.seed = seed;
  }

  /** Procedural values for every parameter of a module tree (its checkpoint keys and shapes). */
  public static ProceduralSource of(Module model, long seed) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) shapes.put(e.getKey(), e.getValue().shape());
    return new ProceduralSource(shapes, seed);
  }

  /** Procedural values for the names and shapes of a {@code {"name": [shape], ...}} JSON file. */
  public static ProceduralSource fromKeysJson(Path file, long seed) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UserError(file + ": cannot read a key list (" + e.getMessage() + ")", e);
    }
    if (root == null || !root.isObject()) throw new UserError(file + ": expected {\"name\": [shape], ...}");
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      long[] shape = new long[e.getValue().size()];
      for (int i = 0; i < shape.length; i++) shape[i] = e.getValue().get(i).asLong();
      shapes.put(e.getKey(), shape);
    }
    return new ProceduralSource(shapes, seed);
  }

  @Override
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  @Override
  public Map<String, String> metadata() {
    return Map.of("procedural_seed", Long.toString(seed));
  }

  @Override
  public String describe() {
    return "procedural weights (seed " + seed + ")";
  }

  @Override
  public ByteBuffer bytes(String name) {
    TensorInfo t = info(name);
    return TensorCodec.fromFloats(ProceduralWeights.values(name, t.shape(), seed), DType.F32);
  }

  @Override
  public float[] floats(String name) {
    return ProceduralWeights.values(name, info(name).shape(), seed);
  }

  @Override
  public void close() {}
}
