package org.conceptprune.io.pickle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.conceptprune.io.safetensors.Buffers;
import org.conceptprune.util.UserError;

/**
 * The bytes of one record of a checkpoint (a zip entry or a legacy storage): a range of the file,
 * memory-mapped when stored as is, inflated into the heap when deflated.
 *
 * @param name the record, for messages ("archive/data/3")
 * @param offset absolute offset of its data in the file
 * @param size its (uncompressed) length
 * @param compressedSize its length in the file when deflated, else {@code size}
 * @param crc the zip CRC-32 to check, or -1 (legacy records have none)
 */
record Blob(String name, long offset, long size, boolean deflated, long compressedSize, long crc) {
  /** Deflate cannot expand data more than ~1032 times: a claimed size beyond that is a lie (a zip bomb). */
  static final long MAX_RATIO = 1100;
  private static final int CHUNK = 1 << 28;

  static Blob of(ZipDirectory.Entry e, String file) {
    boolean deflated = e.method() == ZipDirectory.DEFLATED;
    if (deflated && e.size() > e.compressedSize() * MAX_RATIO + 1024) {
      throw ZipDirectory.bad(file, "entry '" + e.name() + "' claims " + e.size() + " bytes from " + e.compressedSize()
          + " compressed ones");
    }
    return new Blob(e.name(), e.dataOffset(), e.size(), deflated, e.compressedSize(), e.crc());
  }

  /**
   * {@code len} bytes from {@code from} (uncompressed positions), little-endian: a read-only map for a
   * stored record, a heap slice for a deflated one.
   */
  ByteBuffer read(FileChannel ch, long from, long len, String file) {
    if (from < 0 || len < 0 || from > size || len > size - from) {
      throw new IllegalArgumentException(name + ": [" + from + ", +" + len + ") outside " + size + " bytes");
    }
    if (len > Integer.MAX_VALUE) throw new UserError(file + ": " + name + ": " + len + " bytes; tensors over 2 GiB are not supported");
    if (len == 0) return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
    if (!deflated) return map(ch, offset + from, len, file);
    ByteBuffer all = inflate(ch, file);
    return all.slice((int) from, (int) len).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Checks the zip CRC-32 of the whole record (read in chunks; the pages are needed soon anyway). */
  void verify(FileChannel ch, String file) {
    if (crc < 0) return;
    if (deflated) {
      inflate(ch, file); // checks as it inflates
      return;
    }
    CRC32 c = new CRC32();
    for (long p = 0; p < size; p += CHUNK) {
      ByteBuffer b = map(ch, offset + p, Math.min(CHUNK, size - p), file);
      c.update(b);
      Buffers.release(b);
    }
    if (c.getValue() != crc) throw crcError(file);
  }

  private ByteBuffer inflate(FileChannel ch, String file) {
    if (size > Integer.MAX_VALUE - 8 || compressedSize > Integer.MAX_VALUE - 8) {
      throw new UserError(file + ": " + name + ": deflated records over 2 GiB are not supported");
    }
    ByteBuffer in = map(ch, offset, compressedSize, file);
    byte[] out = new byte[(int) size];
    Inflater inf = new Inflater(true);
    try {
      inf.setInput(in);
      int n = 0;
      while (n < out.length && !inf.finished()) {
        int before = inf.getRemaining();
        int r = inf.inflate(out, n, out.length - n);
        n += r;
        if (r == 0 && (inf.needsInput() || inf.needsDictionary() || inf.getRemaining() == before)) break;
      }
      boolean more = n == out.length && !inf.finished() && probeMore(inf);
      if (n != out.length || more) {
        throw ZipDirectory.bad(file, "entry '" + name + "' inflates to " + (more ? "more than " + n : n)
            + " bytes, not the " + size + " it declares");
      }
    } catch (DataFormatException e) {
      throw ZipDirectory.bad(file, "entry '" + name + "' is not valid deflate data");
    } finally {
      inf.end();
      Buffers.release(in);
    }
    CRC32 c = new CRC32();
    c.update(out);
    if (crc >= 0 && c.getValue() != crc) throw crcError(file);
    return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static boolean probeMore(Inflater inf) throws DataFormatException {
    return inf.inflate(new byte[1]) > 0;
  }

  private UserError crcError(String file) {
    return ZipDirectory.bad(file, "entry '" + name + "' fails its CRC-32 check (corrupt or truncated download?)");
  }

  private static ByteBuffer map(FileChannel ch, long pos, long len, String file) {
    try {
      return ch.map(FileChannel.MapMode.READ_ONLY, pos, len).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UserError(file + ": cannot map bytes [" + pos + ", +" + len + ") (" + e.getMessage() + ")", e);
    }
  }
}
