package org.conceptprune.io.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.util.UserError;

/**
 * One safetensors file, validated on open and read through memory maps.
 *
 * <p>Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON ({name: {dtype, shape,
 * data_offsets: [begin, end]}} plus an optional "__metadata__" map of strings), then the data block;
 * offsets are relative to the data block. Nothing the header claims is trusted before it is checked
 * against the file: offsets inside the data, no overlaps, byte length = numel x dtype size.
 */
public final class SafetensorsFile implements TensorSource {
  /** Same bound as the reference implementation: a header over 100 MB is refused. */
  public static final long MAX_HEADER = 100L * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path path;
  private final FileChannel channel;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(Path path, FileChannel channel, Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.tensors = Collections.unmodifiableMap(tensors);
    this.metadata = Collections.unmodifiableMap(metadata);
  }

  public static SafetensorsFile open(Path path) {
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new UserError(path + ": no such file");
    } catch (IOException e) {
      throw new UserError(path + ": cannot open (" + e.getMessage() + ")", e);
    }
    try {
      return parse(path, ch);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static SafetensorsFile parse(Path path, FileChannel ch) {
    long size;
    try {
      size = ch.size();
    } catch (IOException e) {
      throw new UserError(path + ": cannot read size", e);
    }
    if (size == 0) throw bad(path, "file is empty (0 bytes), expected an 8-byte header length");
    if (size < 8) throw bad(path, "file is " + size + " bytes, shorter than the 8-byte header length");
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(path, ch, lenBuf, 0);
    long n = lenBuf.getLong(0);
    if (n < 2) throw bad(path, "header length " + n + " is too small");
    if (n > MAX_HEADER) throw bad(path, "header length " + n + " exceeds the " + MAX_HEADER + "-byte limit");
    if (n > size - 8) {
      throw bad(path, "header length " + n + " runs past the end of the file (" + size + " bytes): truncated?");
    }
    ByteBuffer hb = ByteBuffer.allocate((int) n);
    readFully(path, ch, hb, 8);
    hb.flip();
    String text;
    try {
      CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(hb);
      text = cb.toString();
    } catch (CharacterCodingException e) {
      throw bad(path, "header is not valid UTF-8");
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      throw bad(path, "header is not valid JSON (" + firstLine(e.getMessage()) + ")");
    }
    if (root == null || !root.isObject()) throw bad(path, "header is not a JSON object");
    long dataStart = 8 + n;
    long dataLen = size - dataStart;
    Map<String, TensorInfo> tensors = new TreeMap<>();
    Map<String, String> meta = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode v = e.getValue();
      if (name.equals("__metadata__")) {
        if (!v.isObject()) throw bad(path, "__metadata__ is not an object of strings");
        v.fields().forEachRemaining(m -> {
          if (!m.getValue().isTextual()) {
            throw bad(path, "__metadata__ value of '" + m.getKey() + "' is not a string");
          }
          meta.put(m.getKey(), m.getValue().asText());
        });
        continue;
      }
      tensors.put(name, entry(path, name, v, dataStart, dataLen));
    }
    checkOverlaps(path, tensors);
    return new SafetensorsFile(path, ch, tensors, meta);
  }

  private static TensorInfo entry(Path path, String name, JsonNode v, long dataStart, long dataLen) {
    if (!v.isObject()) throw bad(path, "tensor '" + name + "': entry is not an object");
    JsonNode dt = v.get("dtype");
    JsonNode sh = v.get("shape");
    JsonNode off = v.get("data_offsets");
    if (dt == null || !dt.isTextual()) throw bad(path, "tensor '" + name + "': missing dtype");
    DType dtype = DType.parse(dt.asText());
    if (dtype == null) {
      throw bad(path, "tensor '" + name + "': unknown dtype '" + dt.asText()
          + "' (known: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL)");
    }
    if (sh == null || !sh.isArray()) throw bad(path, "tensor '" + name + "': missing shape");
    long[] shape = new long[sh.size()];
    long numel = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = sh.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw bad(path, "tensor '" + name + "': bad shape " + sh);
      }
      shape[i] = d.asLong();
      try {
        numel = Math.multiplyExact(numel, shape[i]);
      } catch (ArithmeticException ex) {
        throw bad(path, "tensor '" + name + "': shape " + sh + " overflows");
      }
    }
    if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
        || !off.get(1).isIntegralNumber()) {
      throw bad(path, "tensor '" + name + "': data_offsets must be [begin, end]");
    }
    long b = off.get(0).asLong();
    long e = off.get(1).asLong();
    if (b < 0 || e < b || e > dataLen) {
      throw bad(path, "tensor '" + name + "': data_offsets [" + b + ", " + e
          + "] lie outside the data block of " + dataLen + " bytes (truncated file?)");
    }
    long expected;
    try {
      expected = Math.multiplyExact(numel, dtype.size);
    } catch (ArithmeticException ex) {
      throw bad(path, "tensor '" + name + "': shape " + sh + " overflows");
    }
    if (e - b != expected) {
      throw bad(path, "tensor '" + name + "': shape " + sh + " of " + dtype + " needs " + expected
          + " bytes but data_offsets give " + (e - b));
    }
    return new TensorInfo(name, dtype, shape, path, dataStart + b, dataStart + e);
  }

  private static void checkOverlaps(Path path, Map<String, TensorInfo> tensors) {
    List<TensorInfo> sorted = new ArrayList<>(tensors.values());
    sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    TensorInfo prev = null;
    for (TensorInfo t : sorted) {
      if (prev != null && t.begin() < prev.end() && t.byteLength() > 0) {
        throw bad(path, "tensors '" + prev.name() + "' and '" + t.name() + "' overlap in the data block");
      }
      if (prev == null || t.end() > prev.end()) prev = t;
    }
  }

  private static void readFully(Path path, FileChannel ch, ByteBuffer buf, long pos) {
    try {
      while (buf.hasRemaining()) {
        int r = ch.read(buf, pos + buf.position());
        if (r < 0) throw bad(path, "unexpected end of file");
      }
    } catch (IOException e) {
      throw new UserError(path + ": read failed (" + e.getMessage() + ")", e);
    }
  }

  private static UserError bad(Path path, String what) {
    return new UserError(path + ": not a valid safetensors file: " + what);
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  public Path path() {
    return path;
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
    return path.toString();
  }

  @Override
  public ByteBuffer bytes(String name) {
    TensorInfo t = info(name);
    long len = t.byteLength();
    if (len > Integer.MAX_VALUE) {
      throw new UserError(path + ": tensor '" + name + "' is " + len + " bytes; tensors over 2 GiB are not supported");
    }
    if (len == 0) return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
    try {
      return channel.map(FileChannel.MapMode.READ_ONLY, t.begin(), len).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UserError(path + ": cannot map tensor '" + name + "' (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }
}
