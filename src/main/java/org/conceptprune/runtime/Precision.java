package org.conceptprune.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.conceptprune.util.UserError;

/**
 * The UNet's compute precision: {@code fp32}, {@code bf16} (weights held once in bfloat16,
 * activations bfloat16 through the UNet, norms and attention softmax accumulating in fp32), or
 * {@code auto}: bf16 where the CPU has bfloat16 instructions, fp32 otherwise.
 */
public enum Precision {
  FP32,
  BF16,
  AUTO;

  /** What a requested precision resolves to on a CPU, and the warning to print (or null). */
  public record Choice(Precision precision, String warning) {}

  /** @param s fp32, bf16 or auto (any case); null or blank means fp32 */
  public static Precision parse(String s) {
    if (s == null || s.isBlank()) return FP32;
    return switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "fp32", "float32" -> FP32;
      case "bf16", "bfloat16" -> BF16;
      case "auto" -> AUTO;
      default -> throw new UserError("unknown precision '" + s + "' (fp32, bf16 or auto)");
    };
  }

  /**
   * Resolves {@code auto} against the CPU's flags; warns when bf16 is asked of a CPU that would
   * emulate it (oneDNN then converts to fp32 per element: slower than fp32, not faster).
   *
   * @param flags the CPU's feature flags ({@link #cpuFlags(String)})
   */
  public static Choice resolve(Precision requested, Set<String> flags) {
    boolean fast = hasBf16Instructions(flags);
    return switch (requested) {
      case FP32 -> new Choice(FP32, null);
      case AUTO -> new Choice(fast ? BF16 : FP32, null);
      case BF16 -> new Choice(BF16, fast ? null
          : "warning: --precision bf16 on a CPU without bfloat16 instructions (amx_bf16, avx512_bf16, or arm bf16): "
              + "it works but is slower than fp32; --precision auto picks fp32 here");
    };
  }

  /** x86: amx_bf16 or avx512_bf16; Arm: the {@code bf16} feature (BFDOT/BFMMLA). */
  public static boolean hasBf16Instructions(Set<String> flags) {
    return flags.contains("amx_bf16") || flags.contains("avx512_bf16") || flags.contains("bf16");
  }

  /**
   * The feature flags of the first processor in /proc/cpuinfo text: the {@code flags} line (x86) or
   * the {@code Features} line (Arm).
   */
  static Set<String> cpuFlags(String cpuinfo) {
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      String key = line.substring(0, colon).strip();
      if (key.equals("flags") || key.equals("Features")) {
        return new TreeSet<>(Arrays.asList(line.substring(colon + 1).strip().split("\\s+")));
      }
    }
    return Set.of();
  }

  /** This machine's flags (empty where /proc/cpuinfo cannot be read: auto then picks fp32). */
  public static Set<String> cpuFlags() {
    try {
      return cpuFlags(Files.readString(Path.of("/proc/cpuinfo")));
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
