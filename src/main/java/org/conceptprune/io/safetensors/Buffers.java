package org.conceptprune.io.safetensors;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/** Releases memory maps and direct buffers at once instead of waiting for the GC (keeps RSS low). */
public final class Buffers {
  private static final Object UNSAFE;
  private static final java.lang.reflect.Method INVOKE_CLEANER;

  static {
    Object u = null;
    java.lang.reflect.Method m = null;
    try {
      Class<?> c = Class.forName("sun.misc.Unsafe");
      Field f = c.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      u = f.get(null);
      m = c.getMethod("invokeCleaner", ByteBuffer.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      u = null;
      m = null;
    }
    UNSAFE = u;
    INVOKE_CLEANER = m;
  }

  private Buffers() {}

  /** Frees a direct or mapped buffer now; the buffer must not be used afterwards. */
  public static void release(ByteBuffer b) {
    if (b == null || !b.isDirect() || INVOKE_CLEANER == null) return;
    try {
      INVOKE_CLEANER.invoke(UNSAFE, b);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // a slice or duplicate has no cleaner of its own: leave it to the GC
    }
  }
}
