package org.conceptprune.io.pickle;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.util.UserError;

/**
 * The Python names a {@code torch.save} checkpoint may use, and what each means here. Everything not
 * listed is refused the moment the pickle names it (before any call), so a hostile pickle
 * ({@code posix.system}, {@code builtins.eval}, ...) stops with an error naming it and nothing runs.
 *
 * <ul>
 *   <li>Interpreted: the tensor rebuilders of {@code torch._utils} and {@code torch._tensor}, and the
 *       pure containers {@code collections.OrderedDict}, {@code set}, {@code frozenset},
 *       {@code bytearray}, {@code _codecs.encode} (protocol 2 bytes), {@code torch.Size}, {@code torch.device}.
 *   <li>References only: storage classes ({@code torch.FloatStorage}, ...), dtypes ({@code torch.float16}),
 *       {@code torch.Tensor}, {@code torch.nn.parameter.Parameter}.
 *   <li>Opaque: classes found in real Stable Diffusion training checkpoints outside the weights
 *       (sd-v1-4.ckpt keys its "callbacks" dict by Lightning's {@code ModelCheckpoint}; numpy scalars
 *       appear in callback state). Calling one yields a {@link Py.Opaque} holding the arguments;
 *       nothing is instantiated. This is the list the A1111 web UI's restricted unpickler accepts.
 * </ul>
 */
final class TorchGlobals implements Unpickler.Policy {
  /** Storage classes -> element type (torch's legacy names for its dtypes). */
  static final Map<String, DType> STORAGES = Map.ofEntries(
      Map.entry("DoubleStorage", DType.F64), Map.entry("FloatStorage", DType.F32),
      Map.entry("HalfStorage", DType.F16), Map.entry("BFloat16Storage", DType.BF16),
      Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
      Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
      Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL),
      Map.entry("UntypedStorage", DType.U8));

  /** torch dtype objects -> element type (for {@code _rebuild_tensor_v3}). */
  static final Map<String, DType> DTYPES = Map.ofEntries(
      Map.entry("float64", DType.F64), Map.entry("double", DType.F64), Map.entry("float32", DType.F32),
      Map.entry("float", DType.F32), Map.entry("float16", DType.F16), Map.entry("half", DType.F16),
      Map.entry("bfloat16", DType.BF16), Map.entry("int64", DType.I64), Map.entry("long", DType.I64),
      Map.entry("int32", DType.I32), Map.entry("int", DType.I32), Map.entry("int16", DType.I16),
      Map.entry("short", DType.I16), Map.entry("int8", DType.I8), Map.entry("uint8", DType.U8),
      Map.entry("bool", DType.BOOL));

  private static final Set<String> REBUILDERS = Set.of("torch._utils._rebuild_tensor",
      "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3", "torch._utils._rebuild_parameter",
      "torch._utils._rebuild_parameter_with_state", "torch._tensor._rebuild_from_type_v2");

  private static final Set<String> CONTAINERS = Set.of("collections.OrderedDict", "builtins.set",
      "builtins.frozenset", "builtins.bytearray", "_codecs.encode", "torch.Size", "torch.device");

  private static final Set<String> TYPES = Set.of("torch.Tensor", "torch.nn.parameter.Parameter");

  private static final Set<String> OPAQUE = Set.of(
      "pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint",
      "lightning.pytorch.callbacks.model_checkpoint.ModelCheckpoint",
      "numpy.core.multiarray.scalar", "numpy.core.multiarray._reconstruct",
      "numpy._core.multiarray.scalar", "numpy._core.multiarray._reconstruct",
      "numpy.dtype", "numpy.ndarray");

  /** A format's persistent_load: the storage a persistent id names (checks use {@code g}'s errors). */
  interface Persistent {
    Object load(Object pid, TorchGlobals g);
  }

  private final String file;
  private final Persistent persistent;

  /**
   * @param file the checkpoint, for messages
   * @param persistent the format's persistent_load (a storage for a persistent id)
   */
  TorchGlobals(String file, Persistent persistent) {
    this.file = file;
    this.persistent = persistent;
  }

  @Override
  public Object global(String module, String name) {
    // Python 2 pickles (and Python 3 ones at protocol <= 2) name builtins "__builtin__".
    String m = module.equals("__builtin__") ? "builtins" : module;
    String dotted = m + "." + name;
    boolean known = REBUILDERS.contains(dotted) || CONTAINERS.contains(dotted) || TYPES.contains(dotted)
        || OPAQUE.contains(dotted)
        || (m.equals("torch") && (name.endsWith("Storage") && name.matches("[A-Za-z0-9_]+") || DTYPES.containsKey(name)));
    if (!known) throw refusal(file, dotted);
    return new Py.Global(m, name);
  }

  /** The error for a name a checkpoint may not use. */
  static UserError refusal(String file, String dotted) {
    return new UserError(file + ": refused: the pickle asks for the Python global '" + printable(dotted)
        + "'; only torch tensors, storages, OrderedDict and known checkpoint metadata are allowed (nothing was executed)");
  }

  @Override
  public Object persistentLoad(Object pid) {
    return persistent.load(pid, this);
  }

  @Override
  public Object call(Object callable, Py.Tuple args, String how) {
    if (!(callable instanceof Py.Global g)) throw bad(how + " calls a " + Py.typeName(callable) + ", not a class or function");
    String d = g.dotted();
    if (OPAQUE.contains(d)) return new Py.Opaque(g, args);
    if (REBUILDERS.contains(d)) return TensorRebuild.rebuild(g.name(), args, this);
    return switch (d) {
      case "collections.OrderedDict" -> orderedDict(args);
      case "builtins.set", "builtins.frozenset" -> set(args, d.endsWith("frozenset"));
      case "builtins.bytearray" -> bytearray(args);
      case "_codecs.encode" -> encode(args);
      case "torch.Size" -> {
        if (args.size() == 1 && args.get(0) instanceof Py.Tuple t) yield t;
        throw bad("torch.Size expects one tuple");
      }
      case "torch.device" -> device(args);
      default -> throw bad(how + " of '" + d + "', which is a reference, not something a checkpoint calls");
    };
  }

  private Object orderedDict(Py.Tuple args) {
    Py.Dict d = new Py.Dict();
    if (args.size() == 0) return d;
    // Python 2's OrderedDict.__reduce__ passes its items as a list of [key, value] pairs.
    if (args.size() == 1 && args.get(0) instanceof List<?> pairs) {
      for (Object p : pairs) {
        List<?> kv = p instanceof List<?> l ? l : p instanceof Py.Tuple t ? t.items : null;
        if (kv == null || kv.size() != 2 || !Py.hashable(kv.get(0))) throw bad("OrderedDict items must be [key, value] pairs");
        d.put(kv.get(0), kv.get(1));
      }
      return d;
    }
    throw bad("OrderedDict expects no arguments or a list of pairs");
  }

  private Object set(Py.Tuple args, boolean frozen) {
    if (args.size() == 0) return new Py.PySet(new ArrayList<>(), frozen);
    Object a = args.get(0);
    if (args.size() == 1 && a instanceof List<?> l) return new Py.PySet(new ArrayList<>(l), frozen);
    if (args.size() == 1 && a instanceof Py.Tuple t) return new Py.PySet(new ArrayList<>(t.items), frozen);
    throw bad("set expects no arguments or one list");
  }

  private Object bytearray(Py.Tuple args) {
    if (args.size() == 0) return new Py.Bytes(new byte[0]);
    if (args.size() == 1 && args.get(0) instanceof Py.Bytes b) return b;
    if (args.size() == 2 && args.get(0) instanceof String s && args.get(1) instanceof String) return encode(args);
    throw bad("bytearray expects bytes");
  }

  /** {@code _codecs.encode(str, 'latin1')}: how protocol 2 writes Python 3 bytes. */
  private Object encode(Py.Tuple args) {
    if (args.size() != 2 || !(args.get(0) instanceof String s) || !(args.get(1) instanceof String enc)) {
      throw bad("_codecs.encode expects (str, encoding)");
    }
    switch (enc.toLowerCase(java.util.Locale.ROOT).replace('_', '-')) {
      case "latin1", "latin-1", "iso-8859-1", "iso8859-1" -> {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < out.length; i++) {
          char c = s.charAt(i);
          if (c > 0xff) throw bad("_codecs.encode: a character beyond Latin-1");
          out[i] = (byte) c;
        }
        return new Py.Bytes(out);
      }
      case "utf-8", "utf8" -> {
        return new Py.Bytes(s.getBytes(StandardCharsets.UTF_8));
      }
      default -> throw bad("_codecs.encode with encoding '" + printable(enc) + "'");
    }
  }

  private Object device(Py.Tuple args) {
    if (args.size() >= 1 && args.size() <= 2 && args.get(0) instanceof String s) {
      return args.size() == 2 && args.get(1) instanceof Long i ? s + ":" + i : s;
    }
    throw bad("torch.device expects (type[, index])");
  }

  /** The element type of a storage class reference, or an error naming it. */
  DType storageType(Object o) {
    if (o instanceof Py.Global g && g.module().equals("torch")) {
      DType t = STORAGES.get(g.name());
      if (t != null) return t;
      if (g.name().endsWith("Storage")) {
        throw bad("tensors of " + g.dotted() + " are not supported (supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL)");
      }
    }
    throw bad("a storage type must be a torch.*Storage class, got " + Py.typeName(o));
  }

  /** The element type of a torch dtype reference ({@code torch.float16}). */
  DType dtype(Object o) {
    if (o instanceof Py.Global g && g.module().equals("torch") && DTYPES.containsKey(g.name())) return DTYPES.get(g.name());
    throw bad("expected a supported torch dtype, got " + Py.typeName(o));
  }

  static boolean isTensorType(Object o) {
    return o instanceof Py.Global g && TYPES.contains(g.dotted());
  }

  static boolean isRebuilder(Object o) {
    return o instanceof Py.Global g && REBUILDERS.contains(g.dotted());
  }

  /** A non-negative int argument. */
  long index(Object o, String what) {
    if (o instanceof Long l && l >= 0) return l;
    if (o instanceof Boolean || o instanceof Long || o instanceof BigInteger) throw bad(what + " out of range");
    throw bad(what + " must be an int, got " + Py.typeName(o));
  }

  UserError bad(String what) {
    return new UserError(file + ": not a valid PyTorch checkpoint: " + what);
  }

  /** A name from the file, safe to print on one line. */
  static String printable(String s) {
    String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
    StringBuilder sb = new StringBuilder(t.length());
    t.codePoints().forEach(c -> {
      if (c < 0x20 || c == 0x7f || Character.getType(c) == Character.LINE_SEPARATOR
          || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) sb.append(String.format("\\u%04x", c));
      else sb.appendCodePoint(c);
    });
    return sb.toString();
  }
}
