package org.conceptprune.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;

/** An in-memory checkpoint of {@link ProceduralWeights} for the names and shapes of a keys.json fixture. */
public final class ProceduralSource implements TensorSource {
  private final Map<String, TensorInfo> infos = new TreeMap<>();
  private final long seed;

  public ProceduralSource(Map<String, long[]> shapes, long seed) {
    this.seed = seed;
    shapes.forEach((k, s) -> {
      long bytes = 4;
      for (long d : s) bytes *= d;
      infos.put(k, new TensorInfo(k, DType.F32, s.clone(), null, 0, bytes));
    });
  }

  /** Reads {"name": [shape], ...}. */
  public static Map<String, long[]> shapes(Path keysJson) {
    try {
      JsonNode root = new ObjectMapper().readTree(keysJson.toFile());
      Map<String, long[]> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        long[] s = new long[e.getValue().size()];
        for (int i = 0; i < s.length; i++) s[i] = e.getValue().get(i).asLong();
        out.put(e.getKey(), s);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Map<String, TensorInfo> tensors() {
    return Collections.unmodifiableMap(infos);
  }

  @Override
  public Map<String, String> metadata() {
    return Map.of();
  }

  @Override
  public String describe() {
    return "procedural weights (seed " + seed + ")";
  }

  @Override
  public ByteBuffer bytes(String name) {
    TensorInfo t = info(name);
    float[] v = ProceduralWeights.values(name, t.shape(), seed);
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b;
  }

  @Override
  public void close() {}
}
