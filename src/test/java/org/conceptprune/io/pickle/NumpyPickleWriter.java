package org.conceptprune.io.pickle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a NumPy array pickle opcode for opcode as {@code pickle.dump(arr, f, protocol=3)} does
 * (NumPy's {@code ndarray.__reduce__}; see fixtures/eval2/q16/README.md), for tests.
 */
public final class NumpyPickleWriter {
  private NumpyPickleWriter() {}

  public static Path write(Path file, String dtype, long[] shape, byte[] data) {
    return write(file, "numpy.core.multiarray", dtype, '<', false, shape, data);
  }

  /** @param module where {@code _reconstruct} lives ({@code numpy.core.multiarray}, NumPy 2: {@code numpy._core.multiarray}) */
  public static Path write(Path file, String module, String dtype, char order, boolean fortran, long[] shape, byte[] data) {
    try {
      Files.write(file, bytes(module, dtype, order, fortran, shape, data));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(String module, String dtype, char order, boolean fortran, long[] shape, byte[] data) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(0x80);
    o.write(3);
    global(o, module, "_reconstruct");
    global(o, "numpy", "ndarray");
    o.write('K');
    o.write(0);
    o.write(0x85); // TUPLE1
    o.write('C');
    o.write(1);
    o.write('b');
    o.write(0x87); // TUPLE3
    o.write('R');
    o.write('(');
    o.write('K');
    o.write(1);
    o.write('(');
    for (long d : shape) binint(o, d);
    o.write('t');
    global(o, "numpy", "dtype");
    unicode(o, dtype);
    o.write(0x89);
    o.write(0x88);
    o.write(0x87);
    o.write('R');
    o.write('(');
    o.write('K');
    o.write(3);
    unicode(o, String.valueOf(order));
    o.write('N');
    o.write('N');
    o.write('N');
    binint(o, -1);
    binint(o, -1);
    o.write('K');
    o.write(0);
    o.write('t');
    o.write('b');
    o.write(fortran ? 0x88 : 0x89);
    o.write('B');
    le32(o, data.length);
    o.writeBytes(data);
    o.write('t');
    o.write('b');
    o.write('.');
    return o.toByteArray();
  }

  static void global(ByteArrayOutputStream o, String module, String name) {
    o.write('c');
    o.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
  }

  static void unicode(ByteArrayOutputStream o, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    o.write('X');
    le32(o, b.length);
    o.writeBytes(b);
  }

  static void binint(ByteArrayOutputStream o, long v) {
    o.write('J');
    le32(o, (int) v);
  }

  static void le32(ByteArrayOutputStream o, int v) {
    for (int i = 0; i < 4; i++) o.write(v >>> (8 * i) & 0xff);
  }
}
