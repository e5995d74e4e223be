package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.io.safetensors.TensorInfo;

/**
 * bfloat16 tensors, which DJL cannot name: made and normed through a TorchScript module
 * ({@link TorchScript}), then used like any array. libtorch dispatches DJL's linear, conv2d,
 * layer_norm, element-wise ops and fused attention on the tensor's own dtype, so a bf16 UNet needs
 * only a cast in, a cast out, and group_norm (ours is written with ones/zeros of the input's dtype);
 * silu, geglu and upsampling are here too, as single libtorch calls that keep a channels-last layout.
 *
 * <p>DJL reports a bf16 tensor's dtype as UNKNOWN; nothing else in this program makes UNKNOWN
 * tensors, so {@link #is} tests for it. Never pass such a tensor to an op that names a dtype
 * (create, zeros, ones, softmax, toType(x.getDataType())): DJL's JNI aborts the JVM on it.
 */
public final class Bf16 {
  /** ScalarType 15 is bfloat16, 6 float32; memory_format 2 is channels_last. */
  private static final String METHODS = """
        def narrow(self: __torch__.Bf16, x: Tensor) -> Tensor:
          return torch.to(x, 15)
        def narrow_cl(self: __torch__.Bf16, x: Tensor) -> Tensor:
          return torch.contiguous(torch.to(x, 15), memory_format=2)
        def widen(self: __torch__.Bf16, x: Tensor) -> Tensor:
          return torch.contiguous(torch.to(x, 6))
        def group_norm(self: __torch__.Bf16, x: Tensor, groups: int, w: Tensor, b: Tensor, eps: float) -> Tensor:
          return torch.group_norm(x, groups, w, b, eps, False)
        def silu(self: __torch__.Bf16, x: Tensor) -> Tensor:
          return torch.silu(x)
        def geglu(self: __torch__.Bf16, hg: Tensor) -> Tensor:
          h, g = torch.chunk(hg, 2, -1)
          return torch.mul(h, torch.gelu(g))
        def upsample2x(self: __torch__.Bf16, x: Tensor) -> Tensor:
          return torch.upsample_nearest2d(x, None, [2.0, 2.0])
      """;
  private static TorchScript module;

  private Bf16() {}

  private static synchronized TorchScript module(NDManager like) {
    if (module == null) module = TorchScript.load("Bf16", METHODS, like.getDevice());
    return module;
  }

  /** True for a bfloat16 tensor (DJL: dtype UNKNOWN). */
  public static boolean is(NDArray x) {
    return x.getDataType() == DataType.UNKNOWN;
  }

  /** x rounded to bfloat16 (round to nearest even), in x's manager. */
  public static NDArray narrow(NDArray x) {
    return module(x.getManager()).call("narrow", x.getManager(), x);
  }

  /** x as fp32 (exact) and contiguous (bf16 activations may be channels-last), in x's manager. */
  public static NDArray widen(NDArray x) {
    return module(x.getManager()).call("widen", x.getManager(), x);
  }

  /** SiLU in one pass (DJL's sigmoid then mul converts bf16 to fp32 and back twice). */
  public static NDArray silu(NDArray x) {
    return module(x.getManager()).call("silu", x.getManager(), x);
  }

  /** GEGLU of [..., 2n]: [h, g] = chunk(2); h * gelu(g), in one call. */
  public static NDArray geglu(NDArray hg) {
    return module(hg.getManager()).call("geglu", hg.getManager(), hg);
  }

  /** Nearest x2 upsampling of [N, C, H, W] that keeps a channels-last layout. */
  public static NDArray upsample2x(NDArray x) {
    return module(x.getManager()).call("upsample2x", x.getManager(), x);
  }

  /** An fp32 array cast to the dtype of {@code like} (bf16 or any dtype DJL can name). */
  public static NDArray like(NDArray fp32, NDArray like) {
    if (is(like)) {
      NDArray r = narrow(fp32);
      fp32.close();
      return r;
    }
    return fp32.toType(like.getDataType(), false);
  }

  /**
   * GroupNorm of a bf16 [N, C, ...] input with fp32 weight and bias: libtorch's mixed-type kernel
   * computes the statistics and the affine map in fp32 and writes bf16.
   */
  public static NDArray groupNorm(NDArray x, int groups, NDArray weight, NDArray bias, float eps) {
    return module(x.getManager()).call("group_norm", x.getManager(), x, (long) groups, weight, bias, (double) eps);
  }

  /**
   * A checkpoint tensor as bf16 in native memory, without an fp32 copy of the model: F16 and F32
   * values are narrowed by libtorch from a view of the mapped bytes; BF16 and F64 go through an fp32
   * copy of this one tensor (exact for BF16: TorchScript here offers no bit-for-bit view to bf16).
   *
   * @param raw the tensor's little-endian bytes (the caller releases them afterwards)
   */
  public static NDArray read(TensorInfo info, ByteBuffer raw, NDManager manager) {
    DType dt = info.dtype();
    // Wrap the mapped bytes as they are where libtorch can read them; otherwise widen to fp32 first.
    boolean wrap = raw.isDirect() && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
        && (dt == DType.F16 || dt == DType.F32);
    ByteBuffer bytes = wrap ? raw.duplicate().order(ByteOrder.LITTLE_ENDIAN) : TensorCodec.toF32Direct(info, raw);
    DataType viewType = wrap && dt == DType.F16 ? DataType.FLOAT16 : DataType.FLOAT32;
    // 4-D (convolution) weights become channels-last: oneDNN then runs every convolution in NHWC,
    // and the activations follow (their layout is propagated from conv to conv), which saves a
    // reorder on each side of every convolution. Both methods copy, so nothing aliases the map.
    String method = info.shape().length == 4 ? "narrow_cl" : "narrow";
    try (NDManager tmp = manager.newSubManager()) {
      NDArray view = tmp.create(bytes, new Shape(info.shape()), viewType);
      return module(manager).call(method, manager, view); // a copy owned by libtorch: the view may go
    }
  }
}
