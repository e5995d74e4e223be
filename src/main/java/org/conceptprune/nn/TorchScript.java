package org.conceptprune.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module written at run time from source: the way to libtorch functions that DJL's API
 * does not expose (fused attention, group_norm, casts to bfloat16, which DJL cannot name). The source
 * is the body of a class in TorchScript's serialized dialect (methods taking {@code self}); the
 * archive around it (a pickled module object with no parameters) is written here, loaded once and
 * kept for the life of the process.
 *
 * <p>Tensors pass in and out as DJL arrays. A bfloat16 tensor returned by a method is held by DJL as
 * dtype UNKNOWN: shape ops, arithmetic and DJL's linear/conv2d/layer_norm dispatch on the tensor's own
 * dtype and work on it, but anything that names a dtype (create, toType to it, softmax) would abort the
 * JVM (DJL's JNI has no case for bfloat16).
 */
public final class TorchScript {
  private final PtSymbolBlock block;

  private TorchScript(PtSymbolBlock block) {
    this.block = block;
  }

  /**
   * Loads a module of class {@code className} whose methods are given as TorchScript source (each
   * {@code def name(self: __torch__.CLASS, ...) -> T:} indented by two spaces).
   */
  public static TorchScript load(String className, String methods, Device device) {
    try {
      Path file = Files.createTempFile("conceptprune-" + className.toLowerCase(java.util.Locale.ROOT) + "-", ".pt");
      try {
        writeArchive(file, className, methods);
        PtNDManager owner = (PtNDManager) NDManager.newBaseManager(device);
        return new TorchScript(JniUtils.loadModule(owner, file, false, new String[0], new String[0], false));
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Calls a method without autograd (inference). Arguments may be NDArray (PtNDArray), Double/Float, Long/Integer, Boolean or long[]
   * (an int list); the tensor result is attached to {@code out}.
   */
  public NDArray call(String method, NDManager out, Object... args) {
    IValue[] in = new IValue[args.length];
    try {
      for (int i = 0; i < args.length; i++) in[i] = ivalue(args[i]);
      try (IValue r = IValueUtils.runMethod(block, method, in)) {
        return r.toTensor((PtNDManager) out);
      }
    } finally {
      for (IValue v : in) if (v != null) v.close();
    }
  }

  /**
   * Calls {@code forward} with tensors only, keeping autograd history when grad mode is on (training
   * goes through here); the result is attached to the first input's manager.
   */
  public NDArray forward(NDArray... tensors) {
    return IValueUtils.forward(block, new NDList(tensors), JniUtils.isGradMode()).singletonOrThrow();
  }

  private static IValue ivalue(Object a) {
    if (a instanceof PtNDArray t) return IValue.from(t);
    if (a instanceof Double || a instanceof Float) return IValue.from(((Number) a).doubleValue());
    if (a instanceof Long || a instanceof Integer) return IValue.from(((Number) a).longValue());
    if (a instanceof Boolean b) return IValue.from(b);
    if (a instanceof long[] l) return IValue.listFrom(l);
    throw new IllegalArgumentException("cannot pass " + (a == null ? "null" : a.getClass().getSimpleName()) + " to TorchScript");
  }

  /** A TorchScript archive: NAME/{data.pkl, code/__torch__.py, constants.pkl, version, byteorder}, stored. */
  static void writeArchive(Path file, String className, String methods) throws IOException {
    String code = "class " + className + "(Module):\n  __parameters__ = []\n  __buffers__ = []\n  training : bool\n" + methods;
    String dir = className.toLowerCase(java.util.Locale.ROOT);
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
      z.setMethod(ZipOutputStream.STORED);
      put(z, dir + "/data.pkl", modulePickle(className));
      put(z, dir + "/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
      put(z, dir + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', 'q', 0, '.'}); // the empty tuple
      put(z, dir + "/version", "3\n".getBytes(StandardCharsets.UTF_8));
      put(z, dir + "/byteorder", "little".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** pickle protocol 2: {@code __torch__.CLASS()} with state {'training': False}. */
  static byte[] modulePickle(String className) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(new byte[] {(byte) 0x80, 2, 'c'});
    p.writeBytes(("__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
    p.writeBytes(new byte[] {'q', 0, ')', (byte) 0x81, 'q', 1, '}', 'q', 2, 'X', 8, 0, 0, 0});
    p.writeBytes("training".getBytes(StandardCharsets.US_ASCII));
    p.writeBytes(new byte[] {'q', 3, (byte) 0x89, 's', 'b', '.'});
    return p.toByteArray();
  }

  private static void put(ZipOutputStream z, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    e.setCrc(crc.getValue());
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
  }
}
