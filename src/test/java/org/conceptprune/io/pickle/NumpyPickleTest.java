package org.conceptprune.io.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The restricted NumPy pickle reader: Q16's prompts.p, both NumPy module names, byte orders, refusals. */
class NumpyPickleTest {
  static final String ALLOWED = "numpy.core.multiarray._reconstruct, numpy._core.multiarray._reconstruct, numpy.ndarray, numpy.dtype";

  @Test
  void readsQ16Prompts() {
    NumpyArray a = NumpyPickle.read(Fixtures.path("fixtures/eval2/q16/prompts.p"));
    assertEquals(DType.F16, a.dtype());
    assertArrayEquals(new long[] {2, 16}, a.shape());
    float[] p = a.floats();
    for (int r = 0; r < 2; r++) {
      double n = 0;
      for (int k = 0; k < 16; k++) n += p[r * 16 + k] * p[r * 16 + k];
      assertEquals(20, Math.sqrt(n), 0.05, "README: rows of norm 20");
    }
  }

  @Test
  void numpy2NamesByteOrdersAndFortranOrder() {
    byte[] le = {1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0}; // int16 1..6, [2, 3] in C order
    NumpyArray c = NumpyPickle.parse(NumpyPickleWriter.bytes("numpy._core.multiarray", "i2", '<', false, new long[] {2, 3}, le), "c.p");
    assertArrayEquals(le, c.data());
    byte[] be = {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6};
    assertArrayEquals(le, NumpyPickle.parse(NumpyPickleWriter.bytes("numpy.core.multiarray", "i2", '>', false, new long[] {2, 3}, be), "b.p").data());
    byte[] f = {1, 0, 4, 0, 2, 0, 5, 0, 3, 0, 6, 0}; // the same matrix in Fortran order
    assertArrayEquals(le, NumpyPickle.parse(NumpyPickleWriter.bytes("numpy.core.multiarray", "i2", '<', true, new long[] {2, 3}, f), "f.p").data());
  }

  @Test
  void refusesOtherGlobalsByName(@TempDir Path tmp) throws IOException {
    Path evil = tmp.resolve("evil.p");
    Files.write(evil, "cposix\nsystem\n(S'echo hi'\ntR.".getBytes(StandardCharsets.US_ASCII));
    assertEquals(evil + ": refused: the pickle asks for the Python global 'posix.system'; a NumPy array pickle may only name "
        + ALLOWED + " (nothing was executed)", assertThrows(UserError.class, () -> NumpyPickle.read(evil)).getMessage());
    // protocol 5 re-saves use _frombuffer: refused by name too
    Path p5 = tmp.resolve("p5.p");
    Files.write(p5, "\u0080\u0005cnumpy.core.numeric\n_frombuffer\n.".getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(assertThrows(UserError.class, () -> NumpyPickle.read(p5)).getMessage()
        .startsWith(p5 + ": refused: the pickle asks for the Python global 'numpy.core.numeric._frombuffer'"));
    // a torch checkpoint's names are no NumPy array's
    Path torch = tmp.resolve("t.p");
    Files.write(torch, "ctorch._utils\n_rebuild_tensor_v2\n.".getBytes(StandardCharsets.US_ASCII));
    assertTrue(assertThrows(UserError.class, () -> NumpyPickle.read(torch)).getMessage().contains("'torch._utils._rebuild_tensor_v2'"));
  }

  @Test
  void refusesWhatIsNoArray(@TempDir Path tmp) throws IOException {
    Path list = Files.write(tmp.resolve("list.p"), "(lp0\n.".getBytes(StandardCharsets.US_ASCII));
    assertEquals(list + ": not a NumPy array pickle: the pickle holds a list, not a NumPy array",
        assertThrows(UserError.class, () -> NumpyPickle.read(list)).getMessage());
    byte[] short3 = NumpyPickleWriter.bytes("numpy.core.multiarray", "f2", '<', false, new long[] {2, 3}, new byte[10]);
    assertEquals("s.p: not a NumPy array pickle: shape [2, 3] of float16 needs 12 bytes, the data has 10",
        assertThrows(UserError.class, () -> NumpyPickle.parse(short3, "s.p")).getMessage());
    byte[] objects = NumpyPickleWriter.bytes("numpy.core.multiarray", "O8", '|', false, new long[] {1}, new byte[8]);
    assertTrue(assertThrows(UserError.class, () -> NumpyPickle.parse(objects, "o.p")).getMessage().startsWith("o.p: not a NumPy array pickle: dtype 'O8' is not supported"));
    assertEquals(tmp.resolve("none.p") + ": no such file", assertThrows(UserError.class, () -> NumpyPickle.read(tmp.resolve("none.p"))).getMessage());
  }
}
