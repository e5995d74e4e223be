package org.conceptprune.io.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pth/ fixtures (made by torch.save) read bit-exactly, and the other layouts torch writes. */
class PickleCheckpointTest {
  static final String DIR = "fixtures/eval/pth/";
  /** torch dtype names (the expected file's "dtypes" metadata) -> ours. */
  static final Map<String, DType> TORCH = Map.of("float32", DType.F32, "float16", DType.F16, "bfloat16", DType.BF16,
      "float64", DType.F64, "int64", DType.I64, "int32", DType.I32, "int16", DType.I16, "int8", DType.I8,
      "uint8", DType.U8, "bool", DType.BOOL);

  @TempDir Path tmp;

  static Path fixture(String name) {
    return Fixtures.path(DIR + name);
  }

  /** name -> original dtype, from expected.safetensors' metadata "dtypes" ("a=float32,b=float16,..."). */
  static Map<String, DType> expectedDtypes(TensorSource expected) {
    Map<String, DType> out = new TreeMap<>();
    for (String kv : expected.metadata().get("dtypes").split(",")) {
      String[] p = kv.split("=");
      out.put(p[0], TORCH.get(p[1]));
    }
    return out;
  }

  /**
   * Asserts {@code actual} holds expected.safetensors' tensors: same names, shapes and original dtypes,
   * and the same values bit for bit (F16/BF16 widened to F32 exactly, BOOL compared as its bytes).
   */
  static void assertMatchesExpected(TensorSource actual, String what) {
    try (SafetensorsFile expected = SafetensorsFile.open(fixture("expected.safetensors"))) {
      Map<String, DType> dtypes = expectedDtypes(expected);
      assertEquals(expected.names(), actual.names(), what + ": names");
      assertEquals(dtypes.keySet(), actual.names(), what + ": names in the dtypes metadata");
      int mismatches = 0;
      for (String k : expected.names()) {
        TensorInfo e = expected.info(k);
        TensorInfo a = actual.info(k);
        assertEquals(dtypes.get(k), a.dtype(), what + " " + k + ": dtype");
        assertArrayEquals(e.shape(), a.shape(), what + " " + k + ": shape");
        assertEquals(a.numel() * a.dtype().size, actual.bytes(k).remaining(), what + " " + k + ": byte count");
        if (a.dtype() == DType.F16 || a.dtype() == DType.BF16) {
          float[] ef = expected.floats(k);
          float[] af = actual.floats(k);
          for (int i = 0; i < ef.length; i++) {
            if (Float.floatToRawIntBits(ef[i]) != Float.floatToRawIntBits(af[i])) mismatches++;
          }
        } else {
          byte[] eb = TensorCodec.toBytes(expected.bytes(k));
          byte[] ab = TensorCodec.toBytes(actual.bytes(k));
          assertEquals(eb.length, ab.length, what + " " + k);
          for (int i = 0; i < eb.length; i++) if (eb[i] != ab[i]) mismatches++;
        }
      }
      System.out.println("[golden] " + what + " vs expected.safetensors: " + expected.names().size() + " tensors, " + mismatches
          + " values differ (bit-exact when 0)");
      assertEquals(0, mismatches, what + ": values differing from expected.safetensors");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"model_zip.ckpt", "model_legacy.ckpt", "weights_zip.pth"})
  void fixturesEqualExpectedBitExactly(String name) {
    try (PickleCheckpoint c = PickleCheckpoint.open(fixture(name))) {
      assertMatchesExpected(c, name);
      assertEquals("pt", c.metadata().get("format"));
    }
  }

  @Test
  void zipTensorsAreMappedRangesOfTheFileAndViewsShareTheirStorage() {
    Path f = fixture("model_zip.ckpt");
    try (PickleCheckpoint c = PickleCheckpoint.open(f)) {
      assertEquals(Map.of("format", "pt", "global_step", "470000", "epoch", "6"), c.metadata());
      TensorInfo base = c.info("base");
      assertEquals(f, base.file());
      assertEquals(0, base.begin() % 64, "torch aligns stored records to 64 bytes");
      TensorInfo view = c.info("view_offset"); // base's storage from element 20 on
      assertEquals(f, view.file());
      assertEquals(base.begin() + 20 * 4, view.begin());
      assertTrue(c.bytes("base").isDirect(), "a stored record is memory-mapped, not copied");
      assertNull(c.info("view_transposed").file(), "a transposed view has no contiguous range in the file");
      float[] b = c.floats("base"); // [6, 10]
      float[] t = c.floats("view_transposed"); // base.t(): [10, 6]
      for (int i = 0; i < 10; i++) {
        for (int j = 0; j < 6; j++) assertEquals(b[j * 10 + i], t[i * 6 + j]);
      }
      assertArrayEquals(new long[0], c.info("scalar").shape());
      assertEquals(3.5f, c.floats("scalar")[0]);
    }
  }

  @Test
  void deflatedArchivesAndNestedDictsAreRead() throws Exception {
    Path f = tmp.resolve("deflated.pth");
    try (SafetensorsFile expected = SafetensorsFile.open(fixture("expected.safetensors"))) {
      TorchSave.saveZip(expected, f, true, true);
      try (PickleCheckpoint c = PickleCheckpoint.open(f)) {
        assertEquals(expected.names(), c.names());
        for (String k : expected.names()) {
          assertNull(c.info(k).file(), "a deflated record is no range of the file");
          assertEquals(0, expected.bytes(k).compareTo(c.bytes(k)), k);
        }
        assertEquals("7", c.metadata().get("global_step"));
      }
    }
    // {"model": {"a": t, "sub": {"b": t}}, "c": t, "n": 3}: flattened with dots, scalars skipped.
    TorchSave.View v = new TorchSave.View("x", DType.F32, "0", 0, new long[] {2}, new long[] {1});
    TorchSave.Pickle p = p2().op('}', '(').str("model").op('}', '(').str("a");
    TorchSave.tensor(p, v, 2, false);
    p.str("sub").op('}').str("b");
    TorchSave.tensor(p, v, 2, false);
    p.op('s', 'u').str("c");
    TorchSave.tensor(p, v, 2, false);
    p.str("n").integer(3).op('u', '.');
    Path g = tmp.resolve("nested.pt");
    ByteBuffer two = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
    TorchSave.writeZip(g, "nested", p.bytes(), Map.of("0", two.array()), false);
    try (PickleCheckpoint c = PickleCheckpoint.open(g)) {
      assertEquals(List.of("c", "model.a", "model.sub.b"), List.copyOf(c.names()));
      for (String k : c.names()) assertArrayEquals(new float[] {1.5f, -2f}, c.floats(k));
    }
  }

  @Test
  void legacyFilesWrittenHereReadBackToo() throws Exception {
    // Two tensors viewing one storage (offset and transposed) in the legacy layout.
    float[] data = new float[12];
    for (int i = 0; i < data.length; i++) data[i] = i * 0.25f - 1;
    ByteBuffer raw = ByteBuffer.allocate(48).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float x : data) raw.putFloat(x);
    var views = List.of(new TorchSave.View("rows", DType.F32, "k", 4, new long[] {2, 4}, new long[] {4, 1}),
        new TorchSave.View("cols", DType.F32, "k", 0, new long[] {4, 3}, new long[] {1, 4}));
    byte[] pickle = TorchSave.stateDict(views, Map.of("k", 12L), false, true);
    Path f = tmp.resolve("legacy.pt");
    Files.write(f, TorchSave.legacy(pickle, List.of("k"), Map.of("k", raw.array()), Map.of("k", 4)));
    try (PickleCheckpoint c = PickleCheckpoint.open(f)) {
      assertArrayEquals(java.util.Arrays.copyOfRange(data, 4, 12), c.floats("rows"));
      float[] cols = c.floats("cols"); // [4, 3] = the [3, 4] storage transposed
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 3; j++) assertEquals(data[j * 4 + i], cols[i * 3 + j]);
      }
    }
    // Old torch pickled storage views: ('storage', type, root, location, numel, (view_key, offset, size)).
    // A tensor at offset 1, stride 2 of the view k[4:12] holds k[5], k[7], k[9].
    TorchSave.Pickle p = p2().op('}').str("strided").global("torch._utils", "_rebuild_tensor_v2").op('(', '(')
        .str("storage").global("torch", "FloatStorage").str("k").str("cpu").integer(12)
        .op('(').str("v").integer(4).integer(8).op('t', 't', 'Q')
        .integer(1).ints(new long[] {3}).ints(new long[] {2}).op(0x89, 'N', 't', 'R', 's', '.');
    Path g = tmp.resolve("legacy-view.pt");
    Files.write(g, TorchSave.legacy(p.bytes(), List.of("k"), Map.of("k", raw.array()), Map.of("k", 4)));
    try (PickleCheckpoint c = PickleCheckpoint.open(g)) {
      assertArrayEquals(new float[] {data[5], data[7], data[9]}, c.floats("strided"));
    }
  }

  @Test
  void extensionsSelectThePickleReader() {
    for (String n : List.of("a.ckpt", "b.PT", "c.pth", "pytorch_model.bin")) assertTrue(PickleCheckpoint.isPickle(Path.of(n)), n);
    for (String n : List.of("a.safetensors", "ckpt", "x.json")) assertFalse(PickleCheckpoint.isPickle(Path.of(n)), n);
  }

  @Test
  void lightningCallbacksAndNumpyScalarsOutsideTheWeightsAreInert() throws Exception {
    // Like sd-v1-4.ckpt: {"epoch", "global_step", "pytorch-lightning_version", "callbacks": {ModelCheckpoint:
    // {"best_model_score": numpy scalar, ...}}, "state_dict": {...}}. The class is a dict key; the
    // numpy scalar is numpy.core.multiarray.scalar(numpy.dtype("f8", False, True) + BUILD state, bytes).
    TorchSave.View v = new TorchSave.View("w", DType.F32, "0", 0, new long[] {2}, new long[] {1});
    TorchSave.Pickle p = p2().op('}', '(').str("epoch").integer(5).str("global_step").integer(470000)
        .str("pytorch-lightning_version").str("1.4.2").str("callbacks").op('}')
        .global("pytorch_lightning.callbacks.model_checkpoint", "ModelCheckpoint").op('}', '(').str("monitor").op('N')
        .str("best_model_score").global("numpy.core.multiarray", "scalar")
        .global("numpy", "dtype").str("f8").op(0x89, 0x88, 0x87, 'R')
        .op('(').integer(3).str("<").op('N', 'N', 'N').integer(-1).integer(-1).integer(0).op('t', 'b')
        .global("_codecs", "encode").str("\u00c3\u00f5\u0028\u005b\u008f\u00c2\u0015\u0040").str("latin1").op(0x86, 'R')
        .op(0x86, 'R').op('u', 's').str("state_dict").op('}').str("model.w");
    TorchSave.tensor(p, v, 2, false);
    p.op('s', 'u', '.');
    Path f = tmp.resolve("sd-v1-4-like.ckpt");
    TorchSave.writeZip(f, "archive", p.bytes(), Map.of("0", new byte[8]), false);
    try (PickleCheckpoint c = PickleCheckpoint.open(f)) {
      assertEquals(List.of("model.w"), List.copyOf(c.names()));
      assertEquals(Map.of("format", "pt", "epoch", "5", "global_step", "470000", "pytorch-lightning_version", "1.4.2"),
          c.metadata());
    }
    // Calling ModelCheckpoint would build it (an object with code): here it is an inert placeholder,
    // and using one where a tensor belongs is an error, not an execution.
    TorchSave.Pickle q = p2().op('}').str("w").global("pytorch_lightning.callbacks.model_checkpoint", "ModelCheckpoint")
        .op(')', 'R', 's', '.');
    Path g = tmp.resolve("callback-only.ckpt");
    TorchSave.writeZip(g, "archive", q.bytes(), Map.of(), false);
    assertTrue(assertThrows(UserError.class, () -> PickleCheckpoint.open(g)).getMessage().endsWith("holds no tensors"));
  }

  @Test
  void zip64ArchivesAsTorchWritesThemOver4GiB() throws Exception {
    Path f = tmp.resolve("zip64.ckpt");
    Files.write(f, TorchSave.toZip64(Files.readAllBytes(fixture("model_zip.ckpt"))));
    try (PickleCheckpoint c = PickleCheckpoint.open(f)) {
      assertMatchesExpected(c, "model_zip.ckpt as ZIP64");
    }
  }

  @Test
  void protocol4PicklesWithFramesStackGlobalsAndMemoize() throws Exception {
    // torch.save(..., pickle_protocol=4): FRAME, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE.
    TorchSave.Pickle p = new TorchSave.Pickle().proto(4).op(0x95, 0, 0, 0, 0, 0, 0, 0, 0).op('}', 0x94, 0x8c, 1, 'w');
    p.op(0x8c, 12).op("torch._utils".chars().toArray()).op(0x8c, 18).op("_rebuild_tensor_v2".chars().toArray()).op(0x93, 0x94);
    p.op('(', '(').op(0x8c, 7).op("storage".chars().toArray()).op(0x8c, 5).op("torch".chars().toArray())
        .op(0x8c, 11).op("HalfStorage".chars().toArray()).op(0x93).op(0x8c, 1, '0').op(0x8c, 3).op("cpu".chars().toArray())
        .integer(4).op('t', 'Q').integer(0).ints(new long[] {2, 2}).ints(new long[] {1, 2}).op(0x89)
        .op(0x8c, 11).op("collections".chars().toArray()).op(0x8c, 11).op("OrderedDict".chars().toArray()).op(0x93, ')', 'R')
        .op('t', 'R', 's', '.');
    ByteBuffer raw = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (float x : new float[] {1, 2, 3, 4}) raw.putShort(DType.floatToHalf(x));
    Path f = tmp.resolve("p4.pt");
    TorchSave.writeZip(f, "p4", p.bytes(), Map.of("0", raw.array()), false);
    try (PickleCheckpoint c = PickleCheckpoint.open(f)) {
      assertEquals(DType.F16, c.info("w").dtype());
      assertArrayEquals(new float[] {1, 3, 2, 4}, c.floats("w")); // the [2, 2] storage transposed
    }
  }

  private static TorchSave.Pickle p2() {
    return new TorchSave.Pickle().proto(2);
  }
}
