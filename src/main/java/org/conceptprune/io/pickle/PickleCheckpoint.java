package org.conceptprune.io.pickle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.conceptprune.io.safetensors.Buffers;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.util.UserError;

/**
 * A PyTorch pickle checkpoint ({@code .ckpt .pt .pth .bin}, zip or legacy format) read as a
 * {@link TensorSource}, without running any of it: see {@link TorchGlobals} for what a pickle may name.
 *
 * <p>The tensors are the {@code "state_dict"} entry when the file has one (Lightning / original SD
 * checkpoints), else the top-level dict; nested dicts are flattened with dots ({@code {"a": {"b": t}}}
 * gives {@code a.b}). Other entries are skipped; the top level's scalars ({@code global_step},
 * {@code epoch}) become metadata, with {@code format=pt}.
 *
 * <p>A contiguous tensor of a stored record is a memory-mapped range of the file (its {@link TensorInfo}
 * gives the range); a strided view (a transpose, a slice sharing a storage) is gathered into a
 * contiguous heap buffer on each {@link #bytes} call, and its info has no file range.
 */
public final class PickleCheckpoint implements TensorSource {
  private static final Set<String> EXTENSIONS = Set.of(".ckpt", ".pt", ".pth", ".bin");
  private static final int MAX_NESTING = 32;

  private final Path path;
  private final FileChannel channel;
  private final Map<String, TorchTensor> tensors;
  private final Map<String, TensorInfo> infos;
  private final Map<String, Blob> blobs;
  private final Map<String, String> metadata;
  private final Set<String> verified = ConcurrentHashMap.newKeySet();

  private PickleCheckpoint(Path path, FileChannel channel, Parsed parsed) {
    this.path = path;
    this.channel = channel;
    this.blobs = parsed.blobs();
    Map<String, String> meta = new TreeMap<>();
    meta.put("format", "pt");
    Map<String, TorchTensor> t = new TreeMap<>();
    flatten(weights(parsed.root(), meta), "", 0, t, Collections.newSetFromMap(new IdentityHashMap<>()));
    if (t.isEmpty()) throw new UserError(path + ": holds no tensors");
    this.tensors = Collections.unmodifiableMap(t);
    Map<String, TensorInfo> i = new TreeMap<>();
    t.forEach((k, v) -> i.put(k, info(k, v)));
    this.infos = Collections.unmodifiableMap(i);
    this.metadata = Collections.unmodifiableMap(meta);
  }

  /** Whether a file's name says it is a PyTorch pickle ({@code .ckpt .pt .pth .bin}). */
  public static boolean isPickle(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    return dot >= 0 && EXTENSIONS.contains(n.substring(dot));
  }

  public static PickleCheckpoint open(Path path) {
    if (Files.isDirectory(path)) throw new UserError(path + ": is a folder, not a checkpoint file");
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new UserError(path + ": no such file");
    } catch (IOException e) {
      throw new UserError(path + ": cannot open (" + e.getMessage() + ")", e);
    }
    try {
      return new PickleCheckpoint(path, ch, parse(path, ch));
    } catch (RuntimeException e) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // already failing
      }
      throw e;
    }
  }

  private static Parsed parse(Path path, FileChannel ch) {
    String file = path.toString();
    long size;
    try {
      size = ch.size();
    } catch (IOException e) {
      throw new UserError(file + ": cannot read size", e);
    }
    if (size == 0) throw ZipDirectory.bad(file, "the file is empty");
    ByteBuffer head = ZipDirectory.readAt(ch, 0, (int) Math.min(size, 512), file);
    if (ZipDirectory.looksLikeZip(head)) return ZipFormat.read(ch, size, file);
    if ((head.get(0) & 0xff) == 0x80) return LegacyFormat.read(ch, size, file);
    throw ZipDirectory.bad(file, "neither a zip archive (torch >= 1.6) nor a legacy pickle; " + guess(head));
  }

  /** What the file seems to be instead, from its first bytes. */
  private static String guess(ByteBuffer head) {
    if (head.limit() >= 262 && "ustar".equals(ascii(head, 257, 5))) return "a tar archive (torch < 0.4 format, not supported)";
    if (head.limit() >= 10 && head.get(8) == '{' && head.getLong(0) > 0 && head.getLong(0) < (1L << 30)) {
      return "it looks like a safetensors file: name it .safetensors";
    }
    StringBuilder sb = new StringBuilder("first bytes");
    for (int i = 0; i < Math.min(8, head.limit()); i++) sb.append(String.format(" %02x", head.get(i) & 0xff));
    return sb.toString();
  }

  private static String ascii(ByteBuffer b, int at, int n) {
    byte[] x = new byte[n];
    b.get(at, x);
    return new String(x, StandardCharsets.ISO_8859_1);
  }

  /** The dict holding the weights: "state_dict" when present (its siblings' scalars go to metadata). */
  private Py.Dict weights(Object root, Map<String, String> meta) {
    if (!(root instanceof Py.Dict top)) {
      String what = root instanceof TorchTensor ? "a single tensor" : "a " + Py.typeName(root);
      throw new UserError(path + ": holds " + what + ", not a dict of named tensors (a state_dict)");
    }
    if (!(top.get("state_dict") instanceof Py.Dict sd)) return top;
    for (int i = 0; i < top.size(); i++) {
      String text = Py.scalarText(top.values.get(i));
      if (top.keys.get(i) instanceof String key && !key.equals("state_dict") && text != null && text.length() <= 1000) {
        meta.put(key, text);
      }
    }
    return sd;
  }

  private void flatten(Py.Dict d, String prefix, int depth, Map<String, TorchTensor> out, Set<Object> seen) {
    if (depth > MAX_NESTING) throw new UserError(path + ": dicts nested deeper than " + MAX_NESTING);
    if (!seen.add(d)) return; // a dict that contains itself: Python can pickle that; it holds nothing new
    for (int i = 0; i < d.size(); i++) {
      Object k = d.keys.get(i);
      if (!(k instanceof String || k instanceof Long)) continue; // e.g. tuple keys: not a tensor name
      String name = prefix + k;
      Object v = d.values.get(i);
      if (v instanceof TorchTensor t) {
        if (out.put(name, t) != null) throw new UserError(path + ": two tensors are named '" + TorchGlobals.printable(name) + "'");
      } else if (v instanceof Py.Dict sub) {
        flatten(sub, name + ".", depth + 1, out, seen);
      }
    }
  }

  /** Byte offset of a tensor's first element in its record. */
  private static long byteOffset(TorchTensor t) {
    return t.storage.base() * t.storage.dtype().size + t.offset * t.dtype.size;
  }

  private TensorInfo info(String name, TorchTensor t) {
    Blob b = blob(t);
    long len = t.numel() * t.dtype.size;
    if (t.contiguous() && !b.deflated()) {
      long begin = b.offset() + byteOffset(t);
      return new TensorInfo(name, t.dtype, t.shape.clone(), path, begin, begin + len);
    }
    return new TensorInfo(name, t.dtype, t.shape.clone(), null, 0, len); // no range of the file holds it as is
  }

  private Blob blob(TorchTensor t) {
    Blob b = blobs.get(t.storage.key());
    if (b == null) throw new IllegalStateException("storage " + t.storage.key() + " has no record");
    return b;
  }

  @Override
  public Map<String, TensorInfo> tensors() {
    return infos;
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
    TorchTensor t = tensors.get(name);
    if (t == null) throw new IllegalArgumentException("no tensor '" + name + "' in " + describe());
    Blob b = blob(t);
    String file = path.toString();
    if (verified.add(b.name())) {
      try {
        b.verify(channel, file);
      } catch (RuntimeException e) {
        verified.remove(b.name());
        throw e;
      }
    }
    long len = t.numel() * t.dtype.size;
    if (len > Integer.MAX_VALUE) {
      throw new UserError(file + ": tensor '" + name + "' is " + len + " bytes; tensors over 2 GiB are not supported");
    }
    if (len == 0) return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
    if (t.contiguous()) return b.read(channel, byteOffset(t), len, file);
    return gather(t, b, (int) len, file);
  }

  /** A strided view copied into a contiguous row-major buffer, element by element. */
  private ByteBuffer gather(TorchTensor t, Blob b, int len, String file) {
    int es = t.dtype.size;
    long span = 1; // elements from the first to the last one the view touches
    for (int i = 0; i < t.shape.length; i++) span += (t.shape[i] - 1) * t.stride[i];
    ByteBuffer src = b.read(channel, byteOffset(t), span * es, file);
    byte[] out = new byte[len];
    int nd = t.shape.length;
    long[] idx = new long[nd];
    long at = 0; // element index into src
    for (int o = 0; o < len; o += es) {
      src.get((int) (at * es), out, o, es);
      for (int d = nd - 1; d >= 0; d--) { // odometer: next index in row-major order
        if (++idx[d] < t.shape[d]) {
          at += t.stride[d];
          break;
        }
        at -= (idx[d] - 1) * t.stride[d];
        idx[d] = 0;
      }
    }
    Buffers.release(src);
    return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only
    }
  }
}
