package org.conceptprune.io.pickle;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.conceptprune.Fixtures;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2,000 seeded mutations of NumPy array pickles (Q16's prompts.p, a NumPy 2 big-endian Fortran-order
 * variant, a 0-d array) in the kinds of {@link PickleFuzzTest}: each must read (its values included)
 * or fail with a one-line {@link UserError} naming the file; never another exception, an Error or a hang.
 */
class NumpyPickleFuzzTest {
  static final int CASES = Integer.getInteger("fuzz.cases", 2000);
  static final String[] KINDS = {"byte flips", "truncation", "opcode swap", "pickle bytes", "insert/delete"};

  @TempDir Path tmp;

  @Test
  void everyMutationReadsOrFailsCleanly() throws Exception {
    byte[][] sources = {
        Files.readAllBytes(Fixtures.path("fixtures/eval2/q16/prompts.p")),
        NumpyPickleWriter.bytes("numpy._core.multiarray", "f4", '>', true, new long[] {3, 2}, new byte[24]),
        NumpyPickleWriter.bytes("numpy.core.multiarray", "i8", '<', false, new long[] {}, new byte[8])};
    int[][] outcome = new int[KINDS.length][2];
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (int seed = 0; seed < CASES; seed++) {
        Random r = new Random(seed);
        byte[] src = sources[seed % sources.length];
        int kind = r.nextInt(KINDS.length);
        Path f = tmp.resolve("case" + seed + ".p");
        Files.write(f, mutate(src, kind, r));
        String what = "seed " + seed + " (" + KINDS[kind] + " of source " + seed % sources.length + ")";
        try {
          NumpyArray a = NumpyPickle.read(f);
          if (a.dtype().isFloat()) a.floats();
          outcome[kind][0]++;
        } catch (UserError e) {
          assertFalse(e.getMessage().contains("\n"), what + ": multi-line message " + e.getMessage());
          assertTrue(e.getMessage().startsWith(f.toString()), what + ": message does not name the file: " + e.getMessage());
          outcome[kind][1]++;
        } catch (Throwable e) {
          throw new AssertionError(what + ": " + e, e);
        }
        Files.delete(f);
      }
    });
    int ok = 0;
    int refused = 0;
    StringBuilder table = new StringBuilder();
    for (int k = 0; k < KINDS.length; k++) {
      ok += outcome[k][0];
      refused += outcome[k][1];
      table.append(KINDS[k]).append(' ').append(outcome[k][0]).append('/').append(outcome[k][1]).append("; ");
    }
    System.out.printf("[fuzz] NumPy pickles: %d mutations: %d read, %d refused (UserError), 0 other; read/refused: %s%n", CASES, ok, refused, table);
    assertTrue(ok > 50 && refused > 100, "the mutations should exercise both outcomes");
  }

  static byte[] mutate(byte[] p, int kind, Random r) {
    return switch (kind) {
      case 0 -> {
        byte[] b = p.clone();
        for (int i = 1 + r.nextInt(4); i > 0; i--) b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
        yield b;
      }
      case 1 -> Arrays.copyOf(p, r.nextInt(p.length));
      case 2 -> PickleFuzzTest.swapOpcodes(p, r);
      case 3 -> PickleFuzzTest.pickleBytes(p, r);
      default -> PickleFuzzTest.insertDelete(p, r);
    };
  }
}
