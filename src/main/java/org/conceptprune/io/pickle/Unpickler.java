package org.conceptprune.io.pickle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.conceptprune.util.UserError;

/**
 * A pickle interpreter (protocols 0-5) that builds inert data ({@link Py}) and never runs code: every
 * name a pickle mentions goes to a {@link Policy}, which either maps it to something inert or refuses
 * the file. It follows CPython's {@code _pickle.c} (a value stack, a separate mark stack, a memo).
 *
 * <p>Against hostile input: every length is checked against the bytes left before anything is
 * allocated; the stack, the memo, the marks, tuple nesting and the total number of items are capped;
 * each opcode consumes at least one byte, so a pickle of N bytes runs at most N steps.
 */
final class Unpickler {
  /** What a pickle may name; implementations refuse with a {@link UserError}. */
  interface Policy {
    /** The value pushed for GLOBAL / STACK_GLOBAL / INST {@code module.name}. */
    Object global(String module, String name);

    /** {@code callable(*args)} for REDUCE, INST, OBJ, NEWOBJ ({@code how} names the opcode). */
    Object call(Object callable, Py.Tuple args, String how);

    /** The object a persistent id stands for (torch: a storage). */
    Object persistentLoad(Object pid);
  }

  static final int MAX_STACK = 1 << 20;
  static final int MAX_MEMO = 1 << 22;
  static final int MAX_MARKS = 1 << 12;
  static final int MAX_TUPLE_DEPTH = 100;
  static final long MAX_ITEMS = 1 << 24;

  private final PickleInput in;
  private final String where;
  private final Policy policy;
  private int opPos;
  private final ArrayList<Object> stack = new ArrayList<>();
  private int[] marks = new int[16];
  private int nMarks;
  private final HashMap<Long, Object> memo = new HashMap<>();
  private long items;

  /**
   * @param in the bytes, read from {@code start} (absolute positions; the buffer is not moved)
   * @param where what the bytes are, for messages ("file.ckpt: archive/data.pkl")
   */
  Unpickler(ByteBuffer in, int start, String where, Policy policy) {
    this.in = new PickleInput(in, start, this::fail);
    this.where = where;
    this.policy = policy;
  }

  /** Where the next pickle starts (legacy files hold several back to back). */
  int position() {
    return in.position();
  }

  /** Runs to STOP and returns the value it pops. */
  Object load() {
    while (true) {
      if (in.atEnd()) throw fail("truncated: the data ends before the pickle's STOP opcode");
      opPos = in.position();
      int op = in.u8();
      switch (op) {
        case 0x80 -> { // PROTO
          int v = in.u8();
          if (v > 5) throw fail("unsupported pickle protocol " + v);
        }
        case 0x95 -> { // FRAME: a read-ahead hint; the length must still fit
          in.skipCheck(in.u64());
        }
        case '.' -> {
          return pop();
        }
        case '(' -> mark();
        case '0' -> popTop();
        case '1' -> popMark();
        case '2' -> push(peek());
        case 'N' -> push(Py.NONE);
        case 0x88 -> push(Boolean.TRUE);
        case 0x89 -> push(Boolean.FALSE);
        case 'I' -> push(in.textInt(in.line(), true));
        case 'L' -> push(in.textInt(PickleInput.stripL(in.line()), false));
        case 'J' -> push((long) in.s32());
        case 'K' -> push((long) in.u8());
        case 'M' -> push((long) in.u16());
        case 0x8a -> push(in.binLong(in.u8()));
        case 0x8b -> push(in.binLong(in.s32()));
        case 'F' -> push(in.textFloat(in.line()));
        case 'G' -> push(in.binFloat());
        case 'S' -> push(PickleText.quoted(in.line(), this::fail));
        case 'T' -> push(in.utf8Lenient(in.bytes(in.s32())));
        case 'U' -> push(in.utf8Lenient(in.bytes(in.u8())));
        case 'V' -> push(PickleText.rawUnicodeEscape(in.lineBytes(), this::fail));
        case 'X' -> push(in.utf8(in.bytes(in.u32())));
        case 0x8c -> push(in.utf8(in.bytes(in.u8())));
        case 0x8d -> push(in.utf8(in.bytes(in.u64())));
        case 'B' -> push(new Py.Bytes(in.bytes(in.u32())));
        case 'C' -> push(new Py.Bytes(in.bytes(in.u8())));
        case 0x8e, 0x96 -> push(new Py.Bytes(in.bytes(in.u64()))); // BINBYTES8, BYTEARRAY8
        case 0x97 -> throw fail("out-of-band buffers (NEXT_BUFFER) are not part of a checkpoint");
        case 0x98 -> peek(); // READONLY_BUFFER: no-op on in-band data
        case ')' -> push(Py.Tuple.EMPTY);
        case 0x85, 0x86, 0x87 -> push(tuple(popN(op - 0x84)));
        case 't' -> push(tuple(popMark()));
        case ']' -> push(new ArrayList<>());
        case 'l' -> push(new ArrayList<>(popMark()));
        case '}' -> push(new Py.Dict());
        case 'd' -> {
          Py.Dict d = new Py.Dict();
          putAll(d, popMark());
          push(d);
        }
        case 0x8f -> push(new Py.PySet(new ArrayList<>(), false));
        case 0x91 -> push(new Py.PySet(new ArrayList<>(popMark()), true));
        case 'a' -> {
          Object v = pop();
          listAt(peek(), "APPEND").add(v);
        }
        case 'e' -> {
          List<Object> vs = popMark();
          listAt(peek(), "APPENDS").addAll(vs);
        }
        case 's' -> {
          Object v = pop();
          Object k = pop();
          putAll(dictAt(peek(), "SETITEM"), List.of(k, v));
        }
        case 'u' -> {
          List<Object> kv = popMark();
          putAll(dictAt(peek(), "SETITEMS"), kv);
        }
        case 0x90 -> { // ADDITEMS
          List<Object> vs = popMark();
          if (!(peek() instanceof Py.PySet s) || s.frozen) throw fail("ADDITEMS on a " + Py.typeName(peek()));
          s.items.addAll(vs);
        }
        case 'p' -> memoPut(in.textIndex(in.line()));
        case 'q' -> memoPut(in.u8());
        case 'r' -> memoPut(in.u32());
        case 0x94 -> memoPut(memo.size());
        case 'g' -> push(memoGet(in.textIndex(in.line())));
        case 'h' -> push(memoGet(in.u8()));
        case 'j' -> push(memoGet(in.u32()));
        case 'c' -> {
          String module = in.utf8(in.lineBytes());
          push(policy.global(module, in.utf8(in.lineBytes())));
        }
        case 0x93 -> { // STACK_GLOBAL
          Object name = pop();
          Object module = pop();
          if (!(module instanceof String m) || !(name instanceof String n)) throw fail("STACK_GLOBAL needs two str");
          push(policy.global(m, n));
        }
        case 'R' -> {
          Py.Tuple args = tupleArg(pop(), "REDUCE");
          push(policy.call(pop(), args, "REDUCE"));
        }
        case 0x81 -> { // NEWOBJ
          Py.Tuple args = tupleArg(pop(), "NEWOBJ");
          push(policy.call(pop(), args, "NEWOBJ"));
        }
        case 0x92 -> { // NEWOBJ_EX
          Object kwargs = pop();
          Py.Tuple args = tupleArg(pop(), "NEWOBJ_EX");
          if (!(kwargs instanceof Py.Dict kw) || kw.size() > 0) throw fail("NEWOBJ_EX with keyword arguments");
          push(policy.call(pop(), args, "NEWOBJ_EX"));
        }
        case 'i' -> { // INST module\nname\n: class from the lines, arguments since the mark
          String module = in.utf8(in.lineBytes());
          Object cls = policy.global(module, in.utf8(in.lineBytes()));
          push(policy.call(cls, tuple(popMark()), "INST"));
        }
        case 'o' -> { // OBJ: class and arguments since the mark
          List<Object> xs = popMark();
          if (xs.isEmpty()) throw fail("OBJ without a class");
          push(policy.call(xs.get(0), tuple(xs.subList(1, xs.size())), "OBJ"));
        }
        case 'b' -> build(pop(), peek());
        case 'P' -> push(policy.persistentLoad(new String(in.lineBytes(), StandardCharsets.US_ASCII)));
        case 'Q' -> push(policy.persistentLoad(pop()));
        case 0x82, 0x83, 0x84 -> throw fail("the copyreg extension registry (EXT opcodes) is not part of a checkpoint");
        default -> throw fail(String.format("unknown opcode 0x%02x", op));
      }
    }
  }

  // ---- stack, marks, memo

  private void push(Object o) {
    if (stack.size() >= MAX_STACK) throw fail("the stack exceeds " + MAX_STACK + " items");
    count(1);
    stack.add(o);
  }

  private int fence() {
    return nMarks == 0 ? 0 : marks[nMarks - 1];
  }

  private Object pop() {
    if (stack.size() <= fence()) throw fail("stack underflow");
    return stack.remove(stack.size() - 1);
  }

  private Object peek() {
    if (stack.size() <= fence()) throw fail("stack underflow");
    return stack.get(stack.size() - 1);
  }

  /** POP: drops the top item, or the mark when nothing was pushed after it (as CPython does). */
  private void popTop() {
    if (nMarks > 0 && marks[nMarks - 1] == stack.size()) nMarks--;
    else pop();
  }

  private List<Object> popN(int n) {
    if (stack.size() - fence() < n) throw fail("stack underflow");
    List<Object> sub = stack.subList(stack.size() - n, stack.size());
    List<Object> out = new ArrayList<>(sub);
    sub.clear();
    return out;
  }

  private void mark() {
    if (nMarks == MAX_MARKS) throw fail("more than " + MAX_MARKS + " open MARKs");
    if (nMarks == marks.length) marks = java.util.Arrays.copyOf(marks, nMarks * 2);
    marks[nMarks++] = stack.size();
  }

  private List<Object> popMark() {
    if (nMarks == 0) throw fail("no MARK to pop to");
    int m = marks[--nMarks];
    List<Object> sub = stack.subList(m, stack.size());
    List<Object> out = new ArrayList<>(sub);
    sub.clear();
    return out;
  }

  private void memoPut(long i) {
    if (i < 0) throw fail("negative memo index");
    if (memo.size() >= MAX_MEMO && !memo.containsKey(i)) throw fail("the memo exceeds " + MAX_MEMO + " entries");
    memo.put(i, peek());
  }

  private Object memoGet(long i) {
    Object o = memo.get(i);
    if (o == null) throw fail("memo index " + i + " was never stored");
    return o;
  }

  private void count(long n) {
    items += n;
    if (items > MAX_ITEMS) throw fail("more than " + MAX_ITEMS + " values");
  }

  // ---- containers

  private Py.Tuple tuple(List<Object> xs) {
    try {
      return xs.isEmpty() ? Py.Tuple.EMPTY : Py.Tuple.of(xs, MAX_TUPLE_DEPTH);
    } catch (IllegalStateException e) {
      throw fail(e.getMessage());
    }
  }

  private Py.Tuple tupleArg(Object o, String op) {
    if (o instanceof Py.Tuple t) return t;
    throw fail(op + " arguments must be a tuple, got " + Py.typeName(o));
  }

  @SuppressWarnings("unchecked")
  private List<Object> listAt(Object o, String op) {
    if (o instanceof ArrayList<?> l) {
      return (List<Object>) l;
    }
    throw fail(op + " on a " + Py.typeName(o));
  }

  private Py.Dict dictAt(Object o, String op) {
    if (o instanceof Py.Dict d) return d;
    throw fail(op + " on a " + Py.typeName(o));
  }

  private void putAll(Py.Dict d, List<Object> kv) {
    if (kv.size() % 2 != 0) throw fail("odd number of items for a dict");
    count(kv.size() / 2);
    for (int i = 0; i < kv.size(); i += 2) {
      Object k = kv.get(i);
      if (!Py.hashable(k)) throw fail("unhashable dict key (" + Py.typeName(k) + ")");
      d.put(k, kv.get(i + 1));
    }
  }

  /** BUILD: a dict's or an opaque object's state is kept aside, never applied through code. */
  private void build(Object state, Object target) {
    if (target instanceof Py.Dict) {
      // OrderedDict.__reduce__ sends its instance __dict__ (e.g. a state_dict's _metadata): ignored.
      if (!(state instanceof Py.Dict || state instanceof Py.Tuple || state == Py.NONE)) {
        throw fail("BUILD of a dict with a " + Py.typeName(state) + " state");
      }
      return;
    }
    if (target instanceof Py.Opaque o) {
      o.state = state;
      return;
    }
    throw fail("BUILD (__setstate__) on a " + Py.typeName(target) + " is not supported");
  }

  // ---- errors

  UserError fail(String what) {
    return new UserError(where + ": bad pickle at byte " + opPos + ": " + what);
  }

}
