package org.conceptprune.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * The old name of {@link TorchRuntime}, which shadowed {@code java.lang.Runtime}; kept only until the
 * last callers (in {@code attack}, {@code prune}, {@code revival} and {@code cli.AttackCommand}) switch.
 *
 * @deprecated use {@link TorchRuntime}.
 */
@Deprecated(forRemoval = true)
public final class Runtime {
  private Runtime() {}

  public static Device device() { return TorchRuntime.device(); }

  public static DataType computeType() { return TorchRuntime.computeType(); }

  public static void setPrecision(Precision p) { TorchRuntime.setPrecision(p); }

  public static Precision precision() { return TorchRuntime.precision(); }

  public static DataType unetType() { return TorchRuntime.unetType(); }

  public static void setThreads(int n) { TorchRuntime.setThreads(n); }

  public static int threads() { return TorchRuntime.threads(); }

  public static NDManager newManager() { return TorchRuntime.newManager(); }

  public static String describe() { return TorchRuntime.describe(); }
}
