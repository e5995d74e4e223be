package org.conceptprune.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;

/** --precision parsing and auto's choice from /proc/cpuinfo text (fixed strings, not this machine's). */
class PrecisionTest {
  /** Two processors, as /proc/cpuinfo lists them; only the first flags line counts. */
  static String x86(String extraFlags) {
    String p = "processor\t: %d\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n"
        + "flags\t\t: fpu vme sse sse2 avx avx2 fma avx512f avx512bw avx512vl " + extraFlags + "\n"
        + "bogomips\t: 4800.00\n\n";
    return String.format(p, 0) + String.format(p, 1);
  }

  static final String ARM_BF16 = "processor\t: 0\nBogoMIPS\t: 2100.00\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp sve bf16 i8mm\nCPU implementer\t: 0x41\n";
  static final String ARM_PLAIN = "processor\t: 0\nFeatures\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid\n";

  @Test
  void parsesTheFirstFlagsLine() {
    Set<String> f = Precision.cpuFlags(x86("avx512_bf16 avx512_vnni"));
    assertTrue(f.contains("avx512_bf16") && f.contains("avx2") && f.contains("fpu"), f.toString());
    assertTrue(Precision.cpuFlags(ARM_BF16).contains("bf16"));
    assertEquals(Set.of(), Precision.cpuFlags(""));
    assertEquals(Set.of(), Precision.cpuFlags("processor\t: 0\nmodel name\t: something\n"));
  }

  @Test
  void autoPicksBf16OnlyWithBf16Instructions() {
    assertEquals(Precision.BF16, Precision.resolve(Precision.AUTO, Precision.cpuFlags(x86("avx512_bf16"))).precision());
    assertEquals(Precision.BF16, Precision.resolve(Precision.AUTO, Precision.cpuFlags(x86("amx_tile amx_bf16 amx_int8"))).precision());
    assertEquals(Precision.BF16, Precision.resolve(Precision.AUTO, Precision.cpuFlags(ARM_BF16)).precision());
    assertEquals(Precision.FP32, Precision.resolve(Precision.AUTO, Precision.cpuFlags(x86("avx512_vnni"))).precision(),
        "AVX-512 without bf16: fp32");
    assertEquals(Precision.FP32, Precision.resolve(Precision.AUTO, Precision.cpuFlags(ARM_PLAIN)).precision());
    assertEquals(Precision.FP32, Precision.resolve(Precision.AUTO, Set.of()).precision(), "unreadable cpuinfo: fp32");
    assertNull(Precision.resolve(Precision.AUTO, Set.of()).warning(), "auto never warns");
  }

  @Test
  void bf16IsHonouredEverywhereAndWarnsWhereItIsSlow() {
    Precision.Choice slow = Precision.resolve(Precision.BF16, Precision.cpuFlags(x86("avx512_vnni")));
    assertEquals(Precision.BF16, slow.precision());
    assertNotNull(slow.warning());
    assertTrue(slow.warning().startsWith("warning: ") && slow.warning().contains("slower than fp32"), slow.warning());
    Precision.Choice fast = Precision.resolve(Precision.BF16, Precision.cpuFlags(x86("avx512_bf16")));
    assertEquals(Precision.BF16, fast.precision());
    assertNull(fast.warning());
    assertEquals(Precision.FP32, Precision.resolve(Precision.FP32, Precision.cpuFlags(x86("amx_bf16"))).precision(),
        "fp32 stays fp32 on a bf16 CPU");
  }

  @Test
  void parsesNames() {
    assertEquals(Precision.FP32, Precision.parse(null));
    assertEquals(Precision.FP32, Precision.parse(" "));
    assertEquals(Precision.BF16, Precision.parse("BF16"));
    assertEquals(Precision.BF16, Precision.parse("bfloat16"));
    assertEquals(Precision.AUTO, Precision.parse("auto"));
    assertThrows(UserError.class, () -> Precision.parse("fp16"));
  }
}
