package org.conceptprune.io.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.util.UserError;

/**
 * A checkpoint split over several safetensors files, as described by a {@code *.safetensors.index.json}
 * ({"metadata": {...}, "weight_map": {tensor: file}}), or a single file.
 */
public final class ShardedSafetensors implements TensorSource {
  private final String description;
  private final List<SafetensorsFile> files;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, SafetensorsFile> owner;
  private final Map<String, String> metadata;

  private ShardedSafetensors(String description, List<SafetensorsFile> files,
      Map<String, String> extraMeta) {
    this.description = description;
    this.files = files;
    Map<String, TensorInfo> t = new TreeMap<>();
    Map<String, SafetensorsFile> o = new LinkedHashMap<>();
    for (SafetensorsFile f : files) {
      for (TensorInfo i : f.tensors().values()) {
        if (t.put(i.name(), i) != null) {
          closeAll(files);
          throw new UserError(description + ": tensor '" + i.name() + "' appears in more than one shard ("
              + o.get(i.name()).path().getFileName() + " and " + f.path().getFileName() + ")");
        }
        o.put(i.name(), f);
      }
    }
    this.tensors = Collections.unmodifiableMap(t);
    this.owner = o;
    Map<String, String> m = new TreeMap<>(files.isEmpty() ? Map.of() : files.get(0).metadata());
    m.putAll(extraMeta);
    this.metadata = Collections.unmodifiableMap(m);
  }

  /**
   * Opens a checkpoint: a {@code .safetensors} file, a {@code .safetensors.index.json}, or a folder
   * holding exactly one of these (preferring {@code diffusion_pytorch_model}/{@code model} names).
   */
  public static TensorSource open(Path p) {
    if (Files.isDirectory(p)) return open(findIn(p));
    String name = p.getFileName().toString();
    if (name.endsWith(".index.json")) return openIndex(p);
    if (!Files.exists(p)) throw new UserError(p + ": no such file");
    return SafetensorsFile.open(p);
  }

  static Path findIn(Path dir) {
    List<Path> idx = new ArrayList<>();
    List<Path> single = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.sorted().forEach(f -> {
        String n = f.getFileName().toString();
        if (n.endsWith(".safetensors.index.json")) idx.add(f);
        else if (n.endsWith(".safetensors")) single.add(f);
      });
    } catch (IOException e) {
      throw new UserError(dir + ": cannot list folder (" + e.getMessage() + ")", e);
    }
    // Prefer full-precision weights over variants such as *.fp16.safetensors.
    for (List<Path> l : List.of(idx, single)) {
      for (Path f : l) {
        String n = f.getFileName().toString();
        if (!n.contains(".fp16.") && !n.contains(".bf16.") && !n.matches(".*-\\d{5}-of-\\d{5}\\.safetensors")) return f;
      }
    }
    if (!idx.isEmpty()) return idx.get(0);
    if (!single.isEmpty()) return single.get(0);
    throw new UserError(dir + ": no .safetensors weights found (only safetensors is supported; convert .bin/.ckpt first)");
  }

  private static TensorSource openIndex(Path index) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(index.toFile());
    } catch (IOException e) {
      throw new UserError(index + ": not valid JSON (" + e.getMessage() + ")", e);
    }
    JsonNode wm = root == null ? null : root.get("weight_map");
    if (wm == null || !wm.isObject()) throw new UserError(index + ": missing key 'weight_map'");
    Map<String, String> wanted = new TreeMap<>();
    wm.fields().forEachRemaining(e -> wanted.put(e.getKey(), e.getValue().asText()));
    List<String> shardNames = wanted.values().stream().distinct().sorted().toList();
    List<SafetensorsFile> files = new ArrayList<>();
    try {
      for (String s : shardNames) files.add(SafetensorsFile.open(index.resolveSibling(s)));
    } catch (RuntimeException e) {
      closeAll(files);
      throw e;
    }
    Map<String, String> meta = new TreeMap<>();
    JsonNode md = root.get("metadata");
    if (md != null && md.isObject()) md.fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
    ShardedSafetensors s = new ShardedSafetensors(index.toString(), files, meta);
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      SafetensorsFile f = s.owner.get(e.getKey());
      if (f == null || !f.path().getFileName().toString().equals(e.getValue())) missing.add(e.getKey() + " -> " + e.getValue());
    }
    if (!missing.isEmpty()) {
      s.close();
      throw new UserError(index + ": weight_map names tensors its shards do not hold: " + missing.subList(0, Math.min(10, missing.size())));
    }
    return s;
  }

  @Override
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public ByteBuffer bytes(String name) {
    SafetensorsFile f = owner.get(name);
    if (f == null) throw new IllegalArgumentException("no tensor '" + name + "' in " + description);
    return f.bytes(name);
  }

  @Override
  public void close() {
    closeAll(files);
  }

  private static void closeAll(List<SafetensorsFile> files) {
    for (SafetensorsFile f : files) f.close();
  }
}
