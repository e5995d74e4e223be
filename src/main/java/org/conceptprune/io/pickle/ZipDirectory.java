package org.conceptprune.io.pickle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.conceptprune.util.UserError;

/**
 * The central directory of a zip archive (ZIP64 included), read with every offset and size checked
 * against the file: where each entry's data starts, so STORED entries can be memory-mapped in place.
 * torch.save writes STORED entries aligned to 64 bytes; DEFLATED ones (a re-zipped file) are inflated.
 */
final class ZipDirectory {
  static final int STORED = 0;
  static final int DEFLATED = 8;
  private static final int EOCD = 0x06054b50;
  private static final int ZIP64_LOCATOR = 0x07064b50;
  private static final int ZIP64_EOCD = 0x06064b50;
  private static final int CENTRAL = 0x02014b50;
  private static final int LOCAL = 0x04034b50;
  private static final int MAX_CENTRAL = 1 << 28;

  /**
   * One entry.
   *
   * @param dataOffset absolute offset of its (possibly compressed) data
   */
  record Entry(String name, int method, long crc, long compressedSize, long size, long dataOffset) {}

  private ZipDirectory() {}

  /** True when the file starts like a zip archive (a local header, or an empty archive's end record). */
  static boolean looksLikeZip(ByteBuffer head) {
    if (head.remaining() < 4) return false;
    int sig = head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    return sig == LOCAL || sig == EOCD;
  }

  /** Every entry by name, in directory order. */
  static Map<String, Entry> read(FileChannel ch, long size, String file) {
    if (size < 22) throw bad(file, "shorter than a zip end record (" + size + " bytes)");
    int tail = (int) Math.min(size, 22 + 65535L);
    ByteBuffer t = readAt(ch, size - tail, tail, file);
    int eocd = -1;
    for (int i = tail - 22; i >= 0; i--) {
      if (t.getInt(i) == EOCD && i + 22 + (t.getShort(i + 20) & 0xffff) <= tail) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw bad(file, "no zip end-of-central-directory record (truncated download?)");
    long eocdPos = size - tail + eocd;
    long count = t.getShort(eocd + 10) & 0xffff;
    long cdSize = t.getInt(eocd + 12) & 0xffffffffL;
    long cdOffset = t.getInt(eocd + 16) & 0xffffffffL;
    if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
      if (eocdPos < 20) throw bad(file, "ZIP64 locator missing");
      ByteBuffer loc = readAt(ch, eocdPos - 20, 20, file);
      if (loc.getInt(0) != ZIP64_LOCATOR) throw bad(file, "ZIP64 locator missing");
      long z = loc.getLong(8);
      if (z < 0 || z > eocdPos - 56) throw bad(file, "ZIP64 end record offset " + z + " is outside the file");
      ByteBuffer z64 = readAt(ch, z, 56, file);
      if (z64.getInt(0) != ZIP64_EOCD) throw bad(file, "bad ZIP64 end record");
      count = z64.getLong(32);
      cdSize = z64.getLong(40);
      cdOffset = z64.getLong(48);
    }
    if (cdSize < 0 || cdOffset < 0 || cdOffset > size || cdSize > size - cdOffset) {
      throw bad(file, "central directory [" + cdOffset + ", +" + cdSize + ") lies outside the file (" + size + " bytes)");
    }
    if (cdSize > MAX_CENTRAL) throw bad(file, "central directory of " + cdSize + " bytes is too large");
    if (count < 0 || count > cdSize / 46) throw bad(file, count + " entries cannot fit a central directory of " + cdSize + " bytes");
    ByteBuffer cd = readAt(ch, cdOffset, (int) cdSize, file);
    Map<String, Entry> out = new LinkedHashMap<>();
    int p = 0;
    for (long i = 0; i < count; i++) {
      if (p + 46 > cdSize || cd.getInt(p) != CENTRAL) throw bad(file, "central directory entry " + i + " is damaged");
      int flags = cd.getShort(p + 8) & 0xffff;
      int method = cd.getShort(p + 10) & 0xffff;
      long crc = cd.getInt(p + 16) & 0xffffffffL;
      long csize = cd.getInt(p + 20) & 0xffffffffL;
      long usize = cd.getInt(p + 24) & 0xffffffffL;
      int nameLen = cd.getShort(p + 28) & 0xffff;
      int extraLen = cd.getShort(p + 30) & 0xffff;
      int commentLen = cd.getShort(p + 32) & 0xffff;
      long local = cd.getInt(p + 42) & 0xffffffffL;
      int next = p + 46 + nameLen + extraLen + commentLen;
      if (next > cdSize) throw bad(file, "central directory entry " + i + " runs past the directory");
      byte[] nb = new byte[nameLen];
      cd.get(p + 46, nb);
      String name = new String(nb, StandardCharsets.UTF_8);
      // ZIP64 extra field (id 1): the 64-bit values of the fields that read 0xffffffff, in this order.
      int e = p + 46 + nameLen;
      int extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        int id = cd.getShort(e) & 0xffff;
        int len = cd.getShort(e + 2) & 0xffff;
        if (e + 4 + len > extraEnd) throw bad(file, "entry '" + TorchGlobals.printable(name) + "': damaged extra field");
        if (id == 1) {
          int q = e + 4;
          int qEnd = q + len;
          if (usize == 0xffffffffL) { usize = long8(cd, q, qEnd, file, name); q += 8; }
          if (csize == 0xffffffffL) { csize = long8(cd, q, qEnd, file, name); q += 8; }
          if (local == 0xffffffffL) { local = long8(cd, q, qEnd, file, name); }
        }
        e += 4 + len;
      }
      if ((flags & 1) != 0) throw bad(file, "entry '" + TorchGlobals.printable(name) + "' is encrypted");
      if (method != STORED && method != DEFLATED) {
        throw bad(file, "entry '" + TorchGlobals.printable(name) + "' uses compression method " + method + " (only stored or deflated)");
      }
      long dataOffset = dataOffset(ch, size, local, name, file);
      if (csize < 0 || csize > size - dataOffset) {
        throw bad(file, "entry '" + TorchGlobals.printable(name) + "' runs past the end of the file (truncated download?)");
      }
      if (usize < 0 || (method == STORED && usize != csize)) {
        throw bad(file, "entry '" + TorchGlobals.printable(name) + "' has inconsistent sizes");
      }
      if (out.put(name, new Entry(name, method, crc, csize, usize, dataOffset)) != null) {
        throw bad(file, "entry '" + TorchGlobals.printable(name) + "' appears twice");
      }
      p = next;
    }
    return out;
  }

  private static long long8(ByteBuffer b, int q, int end, String file, String name) {
    if (q + 8 > end) throw bad(file, "entry '" + TorchGlobals.printable(name) + "': short ZIP64 field");
    long v = b.getLong(q);
    if (v < 0) throw bad(file, "entry '" + TorchGlobals.printable(name) + "': ZIP64 value out of range");
    return v;
  }

  /** The local header at {@code local} gives the data offset (its name/extra lengths may differ from the directory's). */
  private static long dataOffset(FileChannel ch, long size, long local, String name, String file) {
    if (local < 0 || local > size - 30) throw bad(file, "entry '" + TorchGlobals.printable(name) + "': local header outside the file");
    ByteBuffer h = readAt(ch, local, 30, file);
    if (h.getInt(0) != LOCAL) throw bad(file, "entry '" + TorchGlobals.printable(name) + "': no local header at " + local);
    return local + 30 + (h.getShort(26) & 0xffff) + (h.getShort(28) & 0xffff);
  }

  static ByteBuffer readAt(FileChannel ch, long pos, int len, String file) {
    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    try {
      while (b.hasRemaining()) {
        if (ch.read(b, pos + b.position()) < 0) throw bad(file, "unexpected end of file");
      }
    } catch (IOException e) {
      throw new UserError(file + ": read failed (" + e.getMessage() + ")", e);
    }
    return b.flip();
  }

  static UserError bad(String file, String what) {
    return new UserError(file + ": not a valid PyTorch checkpoint: " + what);
  }
}
