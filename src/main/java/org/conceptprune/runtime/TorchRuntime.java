package org.conceptprune.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import org.conceptprune.util.UserError;

/**
 * The tensor runtime (libtorch through DJL): device, compute dtype and thread settings, in one place.
 *
 * <ul>
 *   <li>{@code -Dconceptprune.device=cpu|gpu} (or env CONCEPTPRUNE_DEVICE): default cpu. A GPU needs
 *       the CUDA natives (Maven profile {@code pytorch-cuda}).
 *   <li>{@code -Dconceptprune.fp16=true}: fp16 compute on a GPU. On CPU compute is always fp32
 *       (fp16 matmuls on CPU are ~200x slower), except the UNet with bf16 precision (below).
 *   <li>{@code -Dai.djl.pytorch.num_threads=N}: intra-op threads (set before first use).
 *   <li>{@code -Dconceptprune.precision=fp32|bf16|auto} (or env CONCEPTPRUNE_PRECISION; the CLI's
 *       {@code --precision}): the UNet's compute precision, fp32 by default ({@link Precision}).
 * </ul>
 */
public final class TorchRuntime {
  private TorchRuntime() {}

  public static Device device() {
    String d = System.getProperty("conceptprune.device", System.getenv().getOrDefault("CONCEPTPRUNE_DEVICE", "cpu"));
    d = d.toLowerCase(Locale.ROOT);
    if (d.equals("cpu")) return Device.cpu();
    if (d.equals("gpu") || d.equals("cuda")) {
      if (Engine.getInstance().getGpuCount() == 0) {
        throw new UserError("device gpu requested but libtorch sees no GPU (are the CUDA natives on the classpath? build with -Ppytorch-cuda)");
      }
      return Device.gpu();
    }
    throw new UserError("unknown device '" + d + "' (cpu or gpu)");
  }

  public static DataType computeType() {
    boolean fp16 = Boolean.parseBoolean(System.getProperty("conceptprune.fp16", "false"));
    return fp16 && device().isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
  }

  /** Sets the UNet precision of the models loaded from now on (before any model is loaded). */
  public static void setPrecision(Precision p) {
    System.setProperty("conceptprune.precision", p.cliName());
    resolved = null;
  }

  private static volatile Precision resolved;

  /** The UNet precision: the requested one with auto resolved on this CPU (the warning printed once). */
  public static Precision precision() {
    Precision p = resolved;
    if (p == null) {
      String s = System.getProperty("conceptprune.precision", System.getenv().getOrDefault("CONCEPTPRUNE_PRECISION", "fp32"));
      Precision.Choice c = Precision.resolve(Precision.parse(s), Precision.cpuFlags());
      if (c.warning() != null) System.err.println(c.warning());
      resolved = p = c.precision();
    }
    return p;
  }

  /** The dtype of the UNet's weights and activations: BFLOAT16 with bf16 precision, else {@link #computeType()}. */
  public static DataType unetType() {
    return precision() == Precision.BF16 ? DataType.BFLOAT16 : computeType();
  }

  /** Sets libtorch's intra-op threads; must run before the engine starts. */
  public static void setThreads(int n) {
    if (n > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }

  /**
   * The intra-op thread count chosen for this run ({@code --threads}, the {@code -D} above, or every
   * core), for engines other than libtorch too (ONNX Runtime).
   */
  public static int threads() {
    Integer n = Integer.getInteger("ai.djl.pytorch.num_threads");
    return n != null && n > 0 ? n : java.lang.Runtime.getRuntime().availableProcessors();
  }

  public static NDManager newManager() {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    return NDManager.newBaseManager(device());
  }

  public static String describe() {
    Engine e = Engine.getInstance();
    return e.getEngineName() + " " + e.getVersion() + " on " + device() + ", " + computeType()
        + (precision() == Precision.BF16 ? " (UNet bf16)" : "")
        + ", threads=" + System.getProperty("ai.djl.pytorch.num_threads", "default");
  }
}
