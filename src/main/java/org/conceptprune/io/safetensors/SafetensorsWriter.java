package org.conceptprune.io.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.conceptprune.util.AtomicFiles;

/**
 * Writes safetensors files: keys sorted, header padded with spaces so the data block starts at a
 * multiple of 8, data in key order. Tensor bytes are pulled one at a time from suppliers, so a model
 * larger than memory can be written. Every file is written to a temporary name and renamed.
 */
public final class SafetensorsWriter {
  /** @param release free each buffer the supplier gives once it is written (a fresh memory map) */
  private record Entry(DType dtype, long[] shape, Supplier<ByteBuffer> data, boolean release) {
    long bytes() {
      long n = dtype.size;
      for (long d : shape) n *= d;
      return n;
    }
  }

  private final Map<String, Entry> entries = new TreeMap<>();
  private final Map<String, String> metadata = new TreeMap<>();

  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  public SafetensorsWriter metadata(Map<String, String> m) {
    metadata.putAll(m);
    return this;
  }

  /** Adds a tensor whose little-endian bytes the supplier gives when the file is written. */
  public SafetensorsWriter add(String name, DType dtype, long[] shape, Supplier<ByteBuffer> data) {
    return add(name, dtype, shape, data, false);
  }

  /**
   * As {@link #add(String, DType, long[], Supplier)} for a supplier that gives a buffer of its own on
   * every call, such as {@link TensorSource#bytes} of an input: each is freed ({@link Buffers#release})
   * as soon as it is written, so copying a model maps one tensor at a time.
   */
  public SafetensorsWriter addReleased(String name, DType dtype, long[] shape, Supplier<ByteBuffer> data) {
    return add(name, dtype, shape, data, true);
  }

  private SafetensorsWriter add(String name, DType dtype, long[] shape, Supplier<ByteBuffer> data, boolean release) {
    if (name.equals("__metadata__")) throw new IllegalArgumentException("reserved tensor name");
    if (entries.put(name, new Entry(dtype, shape.clone(), data, release)) != null) {
      throw new IllegalArgumentException("tensor '" + name + "' added twice");
    }
    return this;
  }

  public SafetensorsWriter add(String name, DType dtype, long[] shape, ByteBuffer data) {
    ByteBuffer d = data.duplicate();
    return add(name, dtype, shape, () -> d.duplicate());
  }

  public SafetensorsWriter addFloats(String name, long[] shape, float[] data) {
    return add(name, DType.F32, shape, TensorCodec.fromFloats(data, DType.F32));
  }

  public SafetensorsWriter addLongs(String name, long[] shape, long[] data) {
    return add(name, DType.I64, shape, TensorCodec.fromLongs(data));
  }

  public SafetensorsWriter addBytes(String name, DType dtype, long[] shape, byte[] data) {
    return add(name, dtype, shape, ByteBuffer.wrap(data));
  }

  public int size() {
    return entries.size();
  }

  /** Writes everything to one file, atomically. */
  public void write(Path file) {
    AtomicFiles.write(file, tmp -> writeFile(tmp, new ArrayList<>(entries.keySet()), metadata));
  }

  /**
   * Writes shards of at most {@code maxShardBytes} of data each, named
   * {@code base-0000i-of-0000n.safetensors}, and {@code base.safetensors.index.json}; with one shard
   * it writes {@code base.safetensors} alone.
   */
  public List<Path> writeSharded(Path dir, String base, long maxShardBytes) {
    List<List<String>> shards = new ArrayList<>();
    List<String> cur = new ArrayList<>();
    long curBytes = 0;
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      long b = e.getValue().bytes();
      if (!cur.isEmpty() && curBytes + b > maxShardBytes) {
        shards.add(cur);
        cur = new ArrayList<>();
        curBytes = 0;
      }
      cur.add(e.getKey());
      curBytes += b;
    }
    if (!cur.isEmpty() || shards.isEmpty()) shards.add(cur);
    List<Path> written = new ArrayList<>();
    if (shards.size() == 1) {
      Path f = dir.resolve(base + ".safetensors");
      write(f);
      written.add(f);
      return written;
    }
    ObjectMapper om = new ObjectMapper();
    ObjectNode index = om.createObjectNode();
    ObjectNode meta = index.putObject("metadata");
    long total = 0;
    for (Entry e : entries.values()) total += e.bytes();
    meta.put("total_size", total);
    ObjectNode wm = index.putObject("weight_map");
    int n = shards.size();
    for (int i = 0; i < n; i++) {
      String name = String.format("%s-%05d-of-%05d.safetensors", base, i + 1, n);
      List<String> keys = shards.get(i);
      Path f = dir.resolve(name);
      AtomicFiles.write(f, tmp -> writeFile(tmp, keys, metadata));
      written.add(f);
      for (String k : keys) wm.put(k, name);
    }
    Path idx = dir.resolve(base + ".safetensors.index.json");
    AtomicFiles.writeString(idx, index.toPrettyString());
    written.add(idx);
    return written;
  }

  private void writeFile(Path tmp, List<String> keys, Map<String, String> meta) throws IOException {
    ObjectMapper om = new ObjectMapper();
    ObjectNode header = om.createObjectNode();
    // __metadata__ sorts before the tensor names when it is present ('_' < 'a' but > 'Z'); the
    // reference writer puts it first, so do we.
    if (!meta.isEmpty()) {
      ObjectNode m = header.putObject("__metadata__");
      meta.forEach(m::put);
    }
    Map<String, long[]> offsets = new LinkedHashMap<>();
    long off = 0;
    for (String k : keys) {
      Entry e = entries.get(k);
      ObjectNode t = header.putObject(k);
      t.put("dtype", e.dtype.name());
      ArrayNode s = t.putArray("shape");
      for (long d : e.shape) s.add(d);
      ArrayNode o = t.putArray("data_offsets");
      o.add(off);
      o.add(off + e.bytes());
      offsets.put(k, new long[] {off, off + e.bytes()});
      off += e.bytes();
    }
    byte[] json = om.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    int padded = (int) ((json.length + 7) / 8 * 8);
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded);
    head.put(json);
    while (head.hasRemaining()) head.put((byte) ' ');
    head.flip();
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (head.hasRemaining()) ch.write(head);
      for (String k : keys) {
        Entry e = entries.get(k);
        ByteBuffer d = e.data.get();
        if (d.remaining() != e.bytes()) {
          throw new IllegalStateException("tensor '" + k + "': supplier gave " + d.remaining()
              + " bytes, expected " + e.bytes());
        }
        while (d.hasRemaining()) ch.write(d);
        if (e.release) Buffers.release(d);
      }
      ch.force(false);
    }
  }


}
