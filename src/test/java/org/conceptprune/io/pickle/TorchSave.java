package org.conceptprune.io.pickle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;

/**
 * A test-side writer of torch.save files (protocol 2, as torch writes them), for checkpoints made
 * from safetensors fixtures and for hostile pickles. Only what the tests need.
 */
public final class TorchSave {
  private TorchSave() {}

  static final Map<DType, String> STORAGE = Map.of(DType.F64, "DoubleStorage", DType.F32, "FloatStorage",
      DType.F16, "HalfStorage", DType.BF16, "BFloat16Storage", DType.I64, "LongStorage", DType.I32, "IntStorage",
      DType.I16, "ShortStorage", DType.I8, "CharStorage", DType.U8, "ByteStorage", DType.BOOL, "BoolStorage");

  /** Protocol-2 opcodes, appended in order. */
  static final class Pickle {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pickle op(int... codes) {
      for (int c : codes) out.write(c);
      return this;
    }

    Pickle proto(int v) {
      return op(0x80, v);
    }

    Pickle str(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      op('X');
      le32(b.length);
      out.writeBytes(b);
      return this;
    }

    Pickle global(String module, String name) {
      op('c');
      out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
      return this;
    }

    Pickle integer(long v) {
      if (v >= 0 && v < 256) return op('K', (int) v);
      if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        op('J');
        return le32((int) v);
      }
      op(0x8a, 8);
      for (int i = 0; i < 8; i++) out.write((int) (v >>> (8 * i)));
      return this;
    }

    Pickle ints(long[] xs) {
      op('(');
      for (long x : xs) integer(x);
      return op('t');
    }

    Pickle le32(int v) {
      for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
      return this;
    }

    Pickle stop() {
      return op('.');
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  /** One tensor to save: a view of storage {@code key}. */
  record View(String name, DType dtype, String key, long offset, long[] shape, long[] stride) {}

  /** Appends {@code _rebuild_tensor_v2(<storage pid>, offset, shape, stride, False, OrderedDict())}. */
  static void tensor(Pickle p, View v, long storageNumel, boolean legacy) {
    p.global("torch._utils", "_rebuild_tensor_v2").op('(');
    p.op('(').str("storage").global("torch", STORAGE.get(v.dtype)).str(v.key).str("cpu").integer(storageNumel);
    if (legacy) p.op('N');
    p.op('t', 'Q');
    p.integer(v.offset).ints(v.shape).ints(v.stride).op(0x89);
    p.global("collections", "OrderedDict").op(')', 'R');
    p.op('t', 'R');
  }

  /** {"state_dict": OrderedDict(name -> tensor), "global_step": 7} or the bare OrderedDict. */
  static byte[] stateDict(List<View> views, Map<String, Long> numels, boolean nested, boolean legacy) {
    Pickle p = new Pickle().proto(2);
    if (nested) p.op('}', '(').str("state_dict");
    p.global("collections", "OrderedDict").op(')', 'R', '(');
    for (View v : views) {
      p.str(v.name);
      tensor(p, v, numels.get(v.key), legacy);
    }
    p.op('u');
    if (nested) p.str("global_step").integer(7).op('u');
    return p.stop().bytes();
  }

  /** Every tensor of a source, each in its own storage. */
  static List<View> contiguousViews(TensorSource src) {
    List<View> out = new ArrayList<>();
    int i = 0;
    for (TensorInfo t : src.tensors().values()) {
      long[] stride = new long[t.shape().length];
      long s = 1;
      for (int d = stride.length - 1; d >= 0; d--) {
        stride[d] = s;
        s *= t.shape()[d];
      }
      out.add(new View(t.name(), t.dtype(), String.valueOf(i++), 0, t.shape(), stride));
    }
    return out;
  }

  /** Saves a source's tensors as a torch.save zip (nested under "state_dict" when asked). */
  public static void saveZip(TensorSource src, Path file, boolean nested, boolean deflate) throws IOException {
    List<View> views = contiguousViews(src);
    Map<String, byte[]> records = new LinkedHashMap<>();
    Map<String, Long> numels = new LinkedHashMap<>();
    for (View v : views) {
      ByteBuffer b = src.bytes(v.name).duplicate();
      byte[] data = new byte[b.remaining()];
      b.get(data);
      records.put(v.key, data);
      numels.put(v.key, (long) data.length / v.dtype.size);
    }
    writeZip(file, "archive", stateDict(views, numels, nested, false), records, deflate);
  }

  /** A zip like torch's: {dir}/data.pkl, {dir}/data/{key}, {dir}/byteorder, {dir}/version. */
  static void writeZip(Path file, String dir, byte[] pickle, Map<String, byte[]> records, boolean deflate) throws IOException {
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
      put(z, dir + "/data.pkl", pickle, deflate);
      put(z, dir + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII), false);
      for (Map.Entry<String, byte[]> e : records.entrySet()) put(z, dir + "/data/" + e.getKey(), e.getValue(), deflate);
      put(z, dir + "/version", "3\n".getBytes(StandardCharsets.US_ASCII), false);
    }
  }

  private static void put(ZipOutputStream z, String name, byte[] data, boolean deflate) throws IOException {
    ZipEntry e = new ZipEntry(name);
    if (!deflate) {
      e.setMethod(ZipEntry.STORED);
      e.setSize(data.length);
      e.setCompressedSize(data.length);
      CRC32 c = new CRC32();
      c.update(data);
      e.setCrc(c.getValue());
    }
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
  }

  /** The legacy layout: magic, protocol, sys_info, the pickle, the key list, then each storage. */
  static byte[] legacy(byte[] pickle, List<String> keys, Map<String, byte[]> records, Map<String, Integer> elementSize) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Pickle magic = new Pickle().proto(2).op(0x8a, 10);
    byte[] m = LegacyFormat.MAGIC.toByteArray(); // big-endian
    for (int i = m.length - 1; i >= m.length - 10; i--) magic.op(m[i] & 0xff);
    out.writeBytes(magic.stop().bytes());
    out.writeBytes(new Pickle().proto(2).op('M', 1001 & 0xff, 1001 >> 8).stop().bytes());
    out.writeBytes(new Pickle().proto(2).op('}', '(').str("little_endian").op(0x88).op('u').stop().bytes());
    out.writeBytes(pickle);
    Pickle k = new Pickle().proto(2).op(']', '(');
    for (String key : keys) k.str(key);
    out.writeBytes(k.op('e').stop().bytes());
    for (String key : keys) {
      byte[] data = records.get(key);
      out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length / elementSize.get(key)).array());
      out.writeBytes(data);
    }
    return out.toByteArray();
  }

  /**
   * The same archive in ZIP64 form, as torch writes files over 4 GiB: every central entry's sizes and
   * local offset read 0xffffffff with the real values in a ZIP64 extra field, and the end record
   * points to a ZIP64 end record through its locator.
   */
  static byte[] toZip64(byte[] zip) {
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    int eocd = zip.length - 22;
    while (b.getInt(eocd) != 0x06054b50) eocd--;
    int count = b.getShort(eocd + 10) & 0xffff;
    int cdOffset = b.getInt(eocd + 16);
    ByteArrayOutputStream cd = new ByteArrayOutputStream();
    int p = cdOffset;
    for (int i = 0; i < count; i++) {
      int nameLen = b.getShort(p + 28) & 0xffff;
      int extraLen = b.getShort(p + 30) & 0xffff;
      int commentLen = b.getShort(p + 32) & 0xffff;
      ByteBuffer e = ByteBuffer.allocate(46 + nameLen + 28 + extraLen + commentLen).order(ByteOrder.LITTLE_ENDIAN);
      e.put(zip, p, 46);
      long csize = b.getInt(p + 20) & 0xffffffffL;
      long usize = b.getInt(p + 24) & 0xffffffffL;
      long local = b.getInt(p + 42) & 0xffffffffL;
      e.putInt(20, -1).putInt(24, -1).putInt(42, -1).putShort(30, (short) (28 + extraLen));
      e.put(zip, p + 46, nameLen);
      e.putShort((short) 1).putShort((short) 24).putLong(usize).putLong(csize).putLong(local);
      e.put(zip, p + 46 + nameLen, extraLen + commentLen);
      cd.writeBytes(e.array());
      p += 46 + nameLen + extraLen + commentLen;
    }
    byte[] dir = cd.toByteArray();
    ByteBuffer tail = ByteBuffer.allocate(56 + 20 + 22).order(ByteOrder.LITTLE_ENDIAN);
    long z64 = cdOffset + dir.length;
    tail.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
        .putLong(count).putLong(count).putLong(dir.length).putLong(cdOffset);
    tail.putInt(0x07064b50).putInt(0).putLong(z64).putInt(1);
    tail.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) -1).putShort((short) -1)
        .putInt(-1).putInt(-1).putShort((short) 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(zip, 0, cdOffset);
    out.writeBytes(dir);
    out.writeBytes(tail.array());
    return out.toByteArray();
  }
}
