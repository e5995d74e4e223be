package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.conceptprune.io.safetensors.Buffers;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.util.UserError;

/**
 * Binds a module tree to a checkpoint: every parameter path must be a tensor of the same shape.
 * All missing keys, unexpected keys and shape mismatches are collected and reported in one error.
 * Weights of any float dtype are widened to fp32 one tensor at a time, straight from the memory map
 * into memory that libtorch owns, and the map is released at once, so loading fp16 weights costs
 * little more than the fp32 model itself, and closing the model's manager frees it at once. With compute type BFLOAT16 they are narrowed to bf16 the same way
 * (norm weights stay fp32, see {@link Module#fp32Param}).
 */
public final class WeightLoader {
  private WeightLoader() {}

  /**
   * @param what the component's name for messages (e.g. "unet")
   * @param ignore checkpoint keys that may be present without a parameter (buffers such as position_ids)
   * @param computeType the dtype the weights get in native memory (FLOAT32 on CPU; BFLOAT16 for a bf16 UNet)
   */
  public static void load(String what, Module root, TensorSource src, NDManager manager,
      Predicate<String> ignore, DataType computeType) {
    Map<String, Parameter> params = root.parameters();
    List<String> missing = new ArrayList<>();
    List<String> mismatched = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      TensorInfo t = src.tensors().get(e.getKey());
      if (t == null) {
        missing.add(e.getKey());
      } else if (!Arrays.equals(t.shape(), e.getValue().shape())) {
        mismatched.add(e.getKey() + ": expected " + Arrays.toString(e.getValue().shape()) + ", found " + t.shapeString());
      } else if (!t.dtype().isFloat()) {
        mismatched.add(e.getKey() + ": expected a float tensor, found " + t.dtype());
      }
    }
    TreeSet<String> unexpected = new TreeSet<>();
    for (String k : src.names()) if (!params.containsKey(k) && !ignore.test(k)) unexpected.add(k);
    if (!missing.isEmpty() || !mismatched.isEmpty() || !unexpected.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      sb.append(what).append(": checkpoint ").append(src.describe()).append(" does not fit the model");
      section(sb, "missing keys", missing);
      section(sb, "shape mismatches", mismatched);
      section(sb, "unexpected keys", new ArrayList<>(unexpected));
      throw new UserError(sb.toString());
    }
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      boolean fp32 = computeType == DataType.BFLOAT16 && e.getValue().keepFp32();
      e.getValue().set(read(src, e.getKey(), manager, fp32 ? DataType.FLOAT32 : computeType));
    }
  }

  /**
   * Reads one tensor as a native array of the compute type, in memory that libtorch owns: closing the
   * array frees it at once (a tensor over a Java direct buffer would hold its memory until a GC).
   * F16 and F32 bytes are converted by libtorch from a view of the memory map (exact: every fp16
   * value is an fp32 value); other dtypes through an fp32 copy of this one tensor.
   */
  static NDArray read(TensorSource src, String key, NDManager manager, DataType computeType) {
    TensorInfo t = src.info(key);
    ByteBuffer raw = src.bytes(key);
    if (computeType == DataType.BFLOAT16) {
      NDArray a = Bf16.read(t, raw, manager); // narrowed from the mapped bytes: no fp32 copy
      Buffers.release(raw);
      return a;
    }
    DType dt = t.dtype();
    boolean wrap = raw.isDirect() && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN && (dt == DType.F16 || dt == DType.F32);
    ByteBuffer f32 = wrap ? null : TensorCodec.toF32Direct(t, raw);
    NDArray a;
    try (NDManager tmp = manager.newSubManager()) {
      NDArray view = wrap
          ? tmp.create(raw.duplicate().order(ByteOrder.LITTLE_ENDIAN), new Shape(t.shape()), dt == DType.F16 ? DataType.FLOAT16 : DataType.FLOAT32)
          : tmp.create(f32, new Shape(t.shape()), DataType.FLOAT32);
      // A copy, so nothing aliases the map or the direct buffer (toType to the same dtype would not copy).
      a = view.getDataType() == computeType ? view.duplicate() : view.toType(computeType, false);
      a.attach(manager);
    }
    Buffers.release(f32);
    Buffers.release(raw);
    return a;
  }

  private static void section(StringBuilder sb, String title, List<String> items) {
    if (items.isEmpty()) return;
    sb.append("\n  ").append(items.size()).append(' ').append(title).append(':');
    int shown = Math.min(items.size(), 25);
    for (int i = 0; i < shown; i++) sb.append("\n    ").append(items.get(i));
    if (shown < items.size()) sb.append("\n    ... and ").append(items.size() - shown).append(" more");
  }
}
