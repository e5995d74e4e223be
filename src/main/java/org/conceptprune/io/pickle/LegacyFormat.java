package org.conceptprune.io.pickle;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.util.UserError;

/**
 * torch.save's format before 1.6 ({@code _use_new_zipfile_serialization=False}): five things back to
 * back, as torch's {@code _legacy_load} reads them:
 * <ol>
 *   <li>pickle: the magic number 0x1950a86a20f9469cfc6c;
 *   <li>pickle: the protocol version 1001;
 *   <li>pickle: sys_info ({little_endian, type_sizes, ...});
 *   <li>pickle: the object, storages as persistent ids
 *       {@code ('storage', storage_type, root_key, location, numel, view_metadata)};
 *   <li>pickle: the list of root keys, then for each, in that order, an int64 element count and the
 *       raw little-endian elements.
 * </ol>
 */
final class LegacyFormat {
  static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
  static final long PROTOCOL = 1001;

  private LegacyFormat() {}

  private record Root(DType dtype, long numel) {}

  static Parsed read(FileChannel ch, long size, String file) {
    ByteBuffer head = map(ch, Math.min(size, Parsed.MAX_PICKLE), file);
    Unpickler.Policy plain = plainData(file);
    int[] pos = {0};
    Object magic = next(head, pos, file, plain);
    if (!(magic instanceof BigInteger b && b.equals(MAGIC))) {
      throw ZipDirectory.bad(file, "a pickle, but without torch's magic number (not a torch.save file)");
    }
    Object protocol = next(head, pos, file, plain);
    if (!(protocol instanceof Long p && p == PROTOCOL)) {
      throw ZipDirectory.bad(file, "legacy protocol version " + Py.scalarText(protocol) + " (expected " + PROTOCOL + ")");
    }
    if (!(next(head, pos, file, plain) instanceof Py.Dict sysInfo)) throw ZipDirectory.bad(file, "sys_info is not a dict");
    if (!Boolean.TRUE.equals(sysInfo.get("little_endian"))) {
      throw ZipDirectory.bad(file, "written on a big-endian machine (only little-endian checkpoints are read)");
    }

    Map<String, Root> roots = new HashMap<>();
    Map<String, Storage> views = new HashMap<>();
    TorchGlobals policy = new TorchGlobals(file, (pid, g) -> storage(pid, g, roots, views, size));
    Object root = next(head, pos, file + ": main pickle", policy);
    if (!(next(head, pos, file + ": storage key list", plain) instanceof List<?> keys)) {
      throw ZipDirectory.bad(file, "the storage key list is not a list");
    }

    // The storages follow in key-list order: int64 element count, then the elements.
    Map<String, Blob> blobs = new HashMap<>();
    long at = pos[0];
    for (Object k : keys) {
      String key = ZipFormat.ascii(k);
      Root r = key == null ? null : roots.get(key);
      if (r == null) throw ZipDirectory.bad(file, "the storage key list names a storage the pickle never used");
      if (blobs.containsKey(key)) throw ZipDirectory.bad(file, "storage '" + TorchGlobals.printable(key) + "' is listed twice");
      if (at > size - 8) throw ZipDirectory.bad(file, "truncated: storage '" + TorchGlobals.printable(key) + "' is missing");
      long count = ZipDirectory.readAt(ch, at, 8, file).getLong(0);
      if (count != r.numel) {
        throw ZipDirectory.bad(file, "storage '" + TorchGlobals.printable(key) + "' holds " + count + " elements, the pickle says " + r.numel);
      }
      long bytes = count * r.dtype.size; // count <= size / dtype.size was checked in storage()
      if (bytes > size - at - 8) throw ZipDirectory.bad(file, "truncated: storage '" + TorchGlobals.printable(key) + "' runs past the end");
      blobs.put(key, new Blob(key, at + 8, bytes, false, bytes, -1));
      at += 8 + bytes;
    }
    for (String key : roots.keySet()) {
      if (!blobs.containsKey(key)) throw ZipDirectory.bad(file, "storage '" + TorchGlobals.printable(key) + "' has no data");
    }
    return new Parsed(root, blobs);
  }

  /** For the header and the key list: plain data; a global, call or persistent id is refused. */
  private static Unpickler.Policy plainData(String file) {
    return new Unpickler.Policy() {
      @Override
      public Object global(String module, String name) {
        throw TorchGlobals.refusal(file, module + "." + name); // a header never names one
      }

      @Override
      public Object call(Object callable, Py.Tuple args, String how) {
        throw ZipDirectory.bad(file, how + " in a header pickle");
      }

      @Override
      public Object persistentLoad(Object pid) {
        throw ZipDirectory.bad(file, "a persistent id in a header pickle");
      }
    };
  }

  /** The next pickle from {@code pos[0]}, each with a fresh memo (torch calls pickle.load once per item). */
  private static Object next(ByteBuffer head, int[] pos, String where, Unpickler.Policy policy) {
    Unpickler u = new Unpickler(head, pos[0], where, policy);
    Object o = u.load();
    pos[0] = u.position();
    return o;
  }

  /** persistent_load of the legacy format: a root storage, or a view (offset, size) of one. */
  private static Object storage(Object pid, TorchGlobals g, Map<String, Root> roots, Map<String, Storage> views, long fileSize) {
    if (!(pid instanceof Py.Tuple t) || t.size() < 1) throw g.bad("a persistent id is not a tuple");
    String type = ZipFormat.ascii(t.get(0));
    if ("module".equals(type)) {
      throw g.bad("a whole nn.Module was saved (torch.save(model)); save and load model.state_dict() instead");
    }
    if (!"storage".equals(type) || t.size() != 6) {
      throw g.bad("a persistent id is not ('storage', type, key, location, numel, view)");
    }
    DType dtype = g.storageType(t.get(1));
    String key = ZipFormat.ascii(t.get(2));
    if (key == null) throw g.bad("a storage key is a " + Py.typeName(t.get(2)));
    long numel = g.index(t.get(4), "storage numel");
    if (numel > fileSize / dtype.size) {
      throw g.bad("storage '" + TorchGlobals.printable(key) + "' of " + numel + " x " + dtype + " does not fit in the file ("
          + fileSize + " bytes; truncated?)");
    }
    Root r = roots.computeIfAbsent(key, k -> new Root(dtype, numel));
    if (r.dtype != dtype || r.numel != numel) throw g.bad("storage '" + TorchGlobals.printable(key) + "' is named with two types or sizes");
    Object view = t.get(5);
    if (view == Py.NONE) return new Storage(key, dtype, numel, 0);
    if (!(view instanceof Py.Tuple v) || v.size() != 3) throw g.bad("a storage view is not (key, offset, size)");
    String viewKey = ZipFormat.ascii(v.get(0));
    long offset = g.index(v.get(1), "storage view offset");
    long viewSize = g.index(v.get(2), "storage view size");
    if (viewKey == null || offset > numel || viewSize > numel - offset) {
      throw g.bad("a view of storage '" + TorchGlobals.printable(key) + "' lies outside it");
    }
    Storage s = views.computeIfAbsent(viewKey, k -> new Storage(key, dtype, viewSize, offset));
    if (!s.key().equals(key) || s.base() != offset || s.numel() != viewSize) throw g.bad("storage view '" + TorchGlobals.printable(viewKey) + "' is named twice differently");
    return s;
  }

  private static ByteBuffer map(FileChannel ch, long len, String file) {
    try {
      return ch.map(FileChannel.MapMode.READ_ONLY, 0, len).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UserError(file + ": cannot map (" + e.getMessage() + ")", e);
    }
  }
}
