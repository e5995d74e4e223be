package org.conceptprune.io.pickle;

import org.conceptprune.io.safetensors.DType;

/**
 * torch's tensor rebuild functions, read as descriptions: a tensor is (storage, offset, size, stride),
 * checked to lie inside its storage. No bytes are touched here.
 */
final class TensorRebuild {
  static final int MAX_DIMS = 64;
  /** An expanded view (stride 0) may hold more elements than its storage, up to this many. */
  static final long MAX_EXPANDED = 1L << 22;

  private TensorRebuild() {}

  /** @param name the function's name in {@code torch._utils} / {@code torch._tensor} */
  static Object rebuild(String name, Py.Tuple a, TorchGlobals g) {
    return switch (name) {
      // _rebuild_tensor(storage, storage_offset, size, stride)
      case "_rebuild_tensor" -> {
        arity(a, 4, 4, name, g);
        yield tensor(a, null, g);
      }
      // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
      case "_rebuild_tensor_v2" -> {
        arity(a, 6, 7, name, g);
        yield tensor(a, null, g);
      }
      // _rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype[, metadata])
      case "_rebuild_tensor_v3" -> {
        arity(a, 7, 8, name, g);
        yield tensor(a, g.dtype(a.get(6)), g);
      }
      // _rebuild_parameter(data, requires_grad, backward_hooks[, state]): a Parameter is its data here.
      case "_rebuild_parameter", "_rebuild_parameter_with_state" -> {
        arity(a, 3, 4, name, g);
        if (!(a.get(0) instanceof TorchTensor t)) throw g.bad(name + ": data is a " + Py.typeName(a.get(0)) + ", not a tensor");
        yield t;
      }
      // _rebuild_from_type_v2(func, new_type, args, state): func(*args) seen as new_type (Tensor/Parameter).
      case "_rebuild_from_type_v2" -> {
        arity(a, 4, 4, name, g);
        if (!TorchGlobals.isRebuilder(a.get(0)) || !TorchGlobals.isTensorType(a.get(1)) || !(a.get(2) instanceof Py.Tuple args)) {
          throw g.bad(name + " must rebuild a torch.Tensor or Parameter with a torch rebuild function");
        }
        Object state = a.get(3);
        if (!(state == Py.NONE || state instanceof Py.Dict)) throw g.bad(name + ": state is a " + Py.typeName(state));
        yield rebuild(((Py.Global) a.get(0)).name(), args, g);
      }
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static void arity(Py.Tuple a, int min, int max, String name, TorchGlobals g) {
    if (a.size() < min || a.size() > max) {
      throw g.bad(name + " takes " + (min == max ? min : min + "-" + max) + " arguments, got " + a.size());
    }
  }

  /** The first four arguments as a tensor of {@code dtype} (null: the storage's own). */
  private static TorchTensor tensor(Py.Tuple a, DType dtype, TorchGlobals g) {
    if (!(a.get(0) instanceof Storage s)) throw g.bad("a tensor's storage is a " + Py.typeName(a.get(0)));
    DType dt = dtype == null ? s.dtype() : dtype;
    long offset = g.index(a.get(1), "storage offset");
    long[] shape = ints(a.get(2), "size", g);
    long[] stride = ints(a.get(3), "stride", g);
    if (stride.length != shape.length) {
      throw g.bad("a tensor has " + shape.length + " sizes but " + stride.length + " strides");
    }
    long numel = 1;
    long last = offset; // index of the last element, in elements of dt
    try {
      for (int i = 0; i < shape.length; i++) {
        numel = Math.multiplyExact(numel, shape[i]);
        if (shape[i] > 0) last = Math.addExact(last, Math.multiplyExact(shape[i] - 1, stride[i]));
      }
      Math.multiplyExact(numel, (long) dt.size);
    } catch (ArithmeticException e) {
      throw g.bad("tensor size " + java.util.Arrays.toString(shape) + " overflows");
    }
    // Capacity in elements of dt: the storage's bytes (a v3 dtype may differ from the storage's).
    long capacity = s.numel() * s.dtype().size / dt.size;
    if (numel > 0 && last >= capacity) {
      throw g.bad("a tensor of size " + java.util.Arrays.toString(shape) + ", stride " + java.util.Arrays.toString(stride)
          + " at offset " + offset + " reaches element " + last + " of a storage of " + capacity);
    }
    if (numel > capacity && numel > MAX_EXPANDED) {
      throw g.bad("an expanded tensor of " + numel + " elements over a storage of " + capacity + " is not supported");
    }
    return new TorchTensor(s, dt, offset, shape, stride);
  }

  private static long[] ints(Object o, String what, TorchGlobals g) {
    if (!(o instanceof Py.Tuple t)) throw g.bad("a tensor's " + what + " is a " + Py.typeName(o) + ", not a tuple");
    if (t.size() > MAX_DIMS) throw g.bad("a tensor with more than " + MAX_DIMS + " dimensions");
    long[] out = new long[t.size()];
    for (int i = 0; i < out.length; i++) out[i] = g.index(t.get(i), "a tensor's " + what);
    return out;
  }
}
