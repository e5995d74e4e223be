package org.conceptprune.io.pickle;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The Python values a checkpoint pickle can build, as inert Java data. Nothing here can run code:
 * a class or function named by the pickle is only a {@link Global} (its dotted name), and an object
 * "made" by calling one the policy treats as opaque is an {@link Opaque} holding the call's arguments.
 *
 * <p>Mapping: None -> {@link #NONE}, bool -> Boolean, int -> Long (BigInteger when larger), float ->
 * Double, str -> String, bytes -> {@link Bytes}, tuple -> {@link Tuple}, list -> ArrayList, dict ->
 * {@link Dict}, set/frozenset -> {@link PySet}.
 */
final class Py {
  private Py() {}

  /** Python's None (a Java null would be ambiguous in the stack and in maps). */
  enum None {
    NONE;

    @Override
    public String toString() {
      return "None";
    }
  }

  static final None NONE = None.NONE;

  /**
   * An immutable tuple. Identity equality: no dict here hashes its keys (see {@link Dict}), so equal
   * tuples need not be found equal. Whether Python could hash it is known at construction.
   */
  static final class Tuple {
    static final Tuple EMPTY = new Tuple(List.of(), 1, true);

    final List<Object> items;
    final int depth;
    final boolean hashable;

    private Tuple(List<Object> items, int depth, boolean hashable) {
      this.items = items;
      this.depth = depth;
      this.hashable = hashable;
    }

    /** @throws IllegalStateException if tuples nest deeper than {@code maxDepth} (the caller reports it) */
    static Tuple of(List<Object> items, int maxDepth) {
      int d = 1;
      boolean h = true;
      for (Object o : items) {
        if (o instanceof Tuple t) d = Math.max(d, t.depth + 1);
        h &= hashable(o);
      }
      if (d > maxDepth) throw new IllegalStateException("tuples nested deeper than " + maxDepth);
      return new Tuple(Collections.unmodifiableList(Arrays.asList(items.toArray())), d, h);
    }

    int size() {
      return items.size();
    }

    Object get(int i) {
      return items.get(i);
    }
  }

  /**
   * A dict (or OrderedDict) as its (key, value) pairs in insertion order. Deliberately not a hash map:
   * hashing keys chosen by the file (colliding hashes, huge equal strings) could make loading
   * quadratic. Checkpoint dicts have unique keys; a lookup scans, and is only done a few times.
   */
  static final class Dict {
    final ArrayList<Object> keys = new ArrayList<>();
    final ArrayList<Object> values = new ArrayList<>();

    void put(Object k, Object v) {
      keys.add(k);
      values.add(v);
    }

    int size() {
      return keys.size();
    }

    /** The value of the last pair whose key is the string {@code k} (Python: later items win), or null. */
    Object get(String k) {
      for (int i = keys.size() - 1; i >= 0; i--) if (k.equals(keys.get(i))) return values.get(i);
      return null;
    }
  }

  /** Python bytes (also bytearray). Identity equality, like {@link Tuple}. */
  static final class Bytes {
    final byte[] data;

    Bytes(byte[] data) {
      this.data = data;
    }
  }

  /** A module-level name ({@code module.name}) that the pickle refers to: a reference, never resolved. */
  record Global(String module, String name) {
    String dotted() {
      return module + "." + name;
    }

    @Override
    public String toString() {
      return dotted();
    }
  }

  /**
   * What calling an inert class would have built (a numpy scalar, a Lightning callback): the
   * arguments and any BUILD state are kept, nothing is instantiated. Identity equality.
   */
  static final class Opaque {
    final Global cls;
    final Object args;
    Object state;

    Opaque(Global cls, Object args) {
      this.cls = cls;
      this.args = args;
    }
  }

  /** A set or frozenset, kept as its items (no hashing needed: no checkpoint reads one). Identity equality. */
  static final class PySet {
    final List<Object> items;
    final boolean frozen;

    PySet(List<Object> items, boolean frozen) {
      this.items = items;
      this.frozen = frozen;
    }
  }

  /** Whether Python could use {@code o} as a dict key (lists, dicts and sets cannot; tuples of them neither). */
  static boolean hashable(Object o) {
    if (o instanceof Tuple t) return t.hashable;
    return !(o instanceof List || o instanceof Dict || (o instanceof PySet s && !s.frozen));
  }

  /** A short type name for messages (never the value: it may be huge or hostile). */
  static String typeName(Object o) {
    if (o == NONE) return "None";
    if (o instanceof Boolean) return "bool";
    if (o instanceof Long || o instanceof BigInteger) return "int";
    if (o instanceof Double) return "float";
    if (o instanceof String) return "str";
    if (o instanceof Bytes) return "bytes";
    if (o instanceof Tuple) return "tuple";
    if (o instanceof List) return "list";
    if (o instanceof Dict) return "dict";
    if (o instanceof PySet s) return s.frozen ? "frozenset" : "set";
    if (o instanceof Global g) return "global " + g.dotted();
    if (o instanceof Opaque op) return op.cls.dotted() + " object";
    if (o instanceof Storage) return "storage";
    if (o instanceof TorchTensor) return "tensor";
    return o == null ? "null" : o.getClass().getSimpleName();
  }

  /** A scalar's Python-like text for metadata, or null when {@code o} is no scalar. */
  static String scalarText(Object o) {
    if (o instanceof String s) return s;
    if (o instanceof Boolean b) return b ? "True" : "False";
    if (o instanceof Long || o instanceof BigInteger || o instanceof Double) return o.toString();
    if (o == NONE) return "None";
    return null;
  }
}
