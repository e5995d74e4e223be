package org.conceptprune.io.pickle;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.conceptprune.io.safetensors.DType;

/**
 * torch.save's zip format (torch >= 1.6): {@code <dir>/data.pkl} is the pickle, each storage is the
 * entry {@code <dir>/data/<key>}, named by the persistent id
 * {@code ('storage', storage_type, key, location, numel)}.
 */
final class ZipFormat {
  private ZipFormat() {}

  static Parsed read(FileChannel ch, long size, String file) {
    Map<String, ZipDirectory.Entry> entries = ZipDirectory.read(ch, size, file);
    if (entries.keySet().stream().anyMatch(n -> n.endsWith("/constants.pkl") || n.contains("/code/"))) {
      throw ZipDirectory.bad(file, "a TorchScript archive (torch.jit.save), not a torch.save checkpoint");
    }
    ZipDirectory.Entry pkl = null;
    for (ZipDirectory.Entry e : entries.values()) {
      if (e.name().matches("[^/]+/data\\.pkl")) {
        if (pkl != null) throw ZipDirectory.bad(file, "two data.pkl entries ('" + pkl.name() + "', '" + e.name() + "')");
        pkl = e;
      }
    }
    if (pkl == null) throw ZipDirectory.bad(file, "a zip archive without <dir>/data.pkl, so not a torch.save checkpoint");
    String dir = pkl.name().substring(0, pkl.name().indexOf('/') + 1);
    checkByteOrder(ch, entries.get(dir + "byteorder"), file);
    if (pkl.size() > Parsed.MAX_PICKLE) {
      throw ZipDirectory.bad(file, pkl.name() + " is " + pkl.size() + " bytes, over the " + Parsed.MAX_PICKLE + "-byte limit");
    }
    Blob pb = Blob.of(pkl, file);
    pb.verify(ch, file);
    ByteBuffer pickle = pb.read(ch, 0, pb.size(), file);

    Map<String, Blob> blobs = new HashMap<>();
    Map<String, Storage> storages = new HashMap<>();
    TorchGlobals policy = new TorchGlobals(file, (pid, g) -> {
      if (!(pid instanceof Py.Tuple t) || t.size() != 5 || !"storage".equals(ascii(t.get(0)))) {
        throw g.bad("a persistent id is not ('storage', type, key, location, numel)");
      }
      DType dtype = g.storageType(t.get(1));
      String key = ascii(t.get(2));
      if (key == null) throw g.bad("a storage key is a " + Py.typeName(t.get(2)));
      long numel = g.index(t.get(4), "storage numel");
      Storage seen = storages.get(key);
      if (seen != null) {
        if (seen.dtype() != dtype || seen.numel() != numel) throw g.bad("storage '" + key + "' is named with two types or sizes");
        return seen;
      }
      ZipDirectory.Entry e = entries.get(dir + "data/" + key);
      if (e == null) throw g.bad("record " + dir + "data/" + TorchGlobals.printable(key) + " is missing");
      if (numel > e.size() / dtype.size || numel * dtype.size != e.size()) {
        throw g.bad("record " + e.name() + " holds " + e.size() + " bytes, but the pickle says " + numel + " x " + dtype);
      }
      Storage s = new Storage(key, dtype, numel, 0);
      storages.put(key, s);
      blobs.put(key, Blob.of(e, file));
      return s;
    });
    Object root = new Unpickler(pickle, 0, file + ": " + pkl.name(), policy).load();
    return new Parsed(root, blobs);
  }

  private static void checkByteOrder(FileChannel ch, ZipDirectory.Entry e, String file) {
    if (e == null) return; // written since torch 1.13; older files are little-endian
    if (e.method() != ZipDirectory.STORED || e.size() > 16) throw ZipDirectory.bad(file, "unexpected byteorder record");
    ByteBuffer b = ZipDirectory.readAt(ch, e.dataOffset(), (int) e.size(), file);
    String order = StandardCharsets.US_ASCII.decode(b).toString().strip();
    if (!order.equals("little")) {
      throw ZipDirectory.bad(file, "byte order '" + TorchGlobals.printable(order) + "' (only little-endian checkpoints are read)");
    }
  }

  /** A str, or Python 2 bytes read as ASCII (torch's _maybe_decode_ascii); null for anything else. */
  static String ascii(Object o) {
    if (o instanceof String s) return s;
    if (o instanceof Py.Bytes b) return new String(b.data, StandardCharsets.US_ASCII);
    return null;
  }
}
