package org.conceptprune.io.pickle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.util.UserError;

/**
 * A plain pickle of one NumPy array ({@code pickle.dump(arr, f)}; no zip, no torch), read without
 * running it ({@link NumpyGlobals}): Q16's {@code prompts.p}. What the pickle says, and how it is read:
 * <ol>
 *   <li>{@code a = _reconstruct(ndarray, (0,), b'b')}: an empty array;
 *   <li>{@code t = dtype('f2', False, True)}, {@code BUILD} with state
 *       {@code (3, '<', None, None, None, -1, -1, 0)}: the element type and its byte order;
 *   <li>{@code BUILD a} with state {@code (1, shape, t, is_fortran, raw bytes)}.
 * </ol>
 * Numeric types only (no object arrays, no structured dtypes); big-endian data is byte-swapped,
 * Fortran order is reordered to C order.
 */
public final class NumpyPickle {
  private NumpyPickle() {}

  /** Largest file read (a prompts file is a few KB; real arrays of a few hundred MB still fit). */
  static final long MAX_BYTES = 1L << 30;

  private static final Map<String, DType> TYPES = Map.of("f2", DType.F16, "f4", DType.F32, "f8", DType.F64,
      "i1", DType.I8, "i2", DType.I16, "i4", DType.I32, "i8", DType.I64, "u1", DType.U8, "b1", DType.BOOL);

  /** Reads the array a pickle file holds; a {@link UserError} naming the file for anything else. */
  public static NumpyArray read(Path file) {
    byte[] raw;
    try {
      if (Files.isDirectory(file)) throw new UserError(file + ": is a folder, not a pickle file");
      if (Files.size(file) > MAX_BYTES) throw new UserError(file + ": larger than " + MAX_BYTES + " bytes; not a NumPy array pickle");
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": no such file");
    } catch (IOException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    return parse(raw, file.toString());
  }

  /** @param where the file, for messages */
  static NumpyArray parse(byte[] raw, String where) {
    if (raw.length >= 2 && raw[0] == 'P' && raw[1] == 'K') throw bad(where, "a zip archive (a torch.save file?), not a plain pickle");
    Object root = new Unpickler(ByteBuffer.wrap(raw), 0, where, new NumpyGlobals(where)).load();
    if (!(root instanceof Py.Opaque a) || !a.cls.name().equals("_reconstruct")) {
      throw bad(where, "the pickle holds a " + Py.typeName(root) + ", not a NumPy array");
    }
    Py.Tuple args = (Py.Tuple) a.args;
    if (args.size() != 3 || !(args.get(0) instanceof Py.Global g) || !g.dotted().equals("numpy.ndarray")) {
      throw bad(where, "_reconstruct is not given numpy.ndarray (a subclass or another type)");
    }
    if (!(a.state instanceof Py.Tuple s) || s.size() != 5) throw bad(where, "the array's state is not (version, shape, dtype, fortran, data)");
    long[] shape = shape(s.get(1), where);
    DType dtype = dtype(s.get(2), where);
    if (!(s.get(3) instanceof Boolean fortran)) throw bad(where, "the array's Fortran flag is a " + Py.typeName(s.get(3)));
    if (!(s.get(4) instanceof Py.Bytes data)) throw bad(where, "the array's data is a " + Py.typeName(s.get(4)) + ", not raw bytes");
    long n = 1;
    for (long d : shape) n = Math.multiplyExact(n, d);
    if (n * dtype.size != data.data.length) {
      throw bad(where, "shape " + java.util.Arrays.toString(shape) + " of " + numpyName(dtype) + " needs " + n * dtype.size
          + " bytes, the data has " + data.data.length);
    }
    byte[] bytes = bigEndian(s.get(2)) ? swap(data.data, dtype.size) : data.data;
    return new NumpyArray(dtype, shape, fortran ? NumpyOrder.fortranToC(bytes, shape, dtype.size) : bytes);
  }

  private static long[] shape(Object o, String where) {
    if (!(o instanceof Py.Tuple t) || t.size() > 32) throw bad(where, "the array's shape is not a tuple of at most 32 ints");
    long[] shape = new long[t.size()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!(t.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) throw bad(where, "the array's shape holds a bad dimension");
      shape[i] = d;
      n *= Math.max(1, d);
      if (n > MAX_BYTES) throw bad(where, "the array's shape is larger than the file could hold");
    }
    return shape;
  }

  private static DType dtype(Object o, String where) {
    if (!(o instanceof Py.Opaque d) || !d.cls.dotted().equals("numpy.dtype")) throw bad(where, "the array's dtype is a " + Py.typeName(o));
    Py.Tuple args = (Py.Tuple) d.args;
    String code = args.size() >= 1 && args.get(0) instanceof String c ? c : null;
    DType t = code == null ? null : TYPES.get(code);
    if (t == null) {
      throw bad(where, "dtype '" + (code == null ? "?" : TorchGlobals.printable(code)) + "' is not supported (" + String.join(" ", TYPES.keySet()) + ")");
    }
    if (!(d.state instanceof Py.Tuple s) || s.size() < 2 || !(s.get(1) instanceof String order) || !"<>|=".contains(order) || order.length() != 1) {
      throw bad(where, "the dtype's state does not give its byte order");
    }
    return t;
  }

  private static boolean bigEndian(Object dtype) {
    return ((Py.Tuple) ((Py.Opaque) dtype).state).get(1).equals(">");
  }

  private static byte[] swap(byte[] b, int size) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i += size) {
      for (int k = 0; k < size; k++) out[i + k] = b[i + size - 1 - k];
    }
    return out;
  }

  /** NumPy's name of an element type ({@code float16}). */
  static String numpyName(DType t) {
    return switch (t) {
      case F16 -> "float16";
      case F32 -> "float32";
      case F64 -> "float64";
      case BF16 -> "bfloat16";
      case I64 -> "int64";
      case I32 -> "int32";
      case I16 -> "int16";
      case I8 -> "int8";
      case U8 -> "uint8";
      case BOOL -> "bool";
    };
  }

  static UserError bad(String where, String what) {
    return new UserError(where + ": not a NumPy array pickle: " + what);
  }
}
