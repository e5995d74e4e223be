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

/** The pth/ fixtures (made by torch.save) read bit-exactly, and what the reader refuses. */
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
  void evilCkptIsRefusedNamingTheGlobalAndRunsNothing() throws Exception {
    // evil.ckpt's payload is posix.system("touch /tmp/pwned-by-pickle"): the file must not appear.
    Path marker = Path.of("/tmp/pwned-by-pickle");
    Files.deleteIfExists(marker);
    Path f = fixture("evil.ckpt");
    UserError e = assertThrows(UserError.class, () -> PickleCheckpoint.open(f));
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("'posix.system'"), e.getMessage());
    assertTrue(e.getMessage().contains("refused"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertFalse(Files.exists(marker), "the hostile command ran");
  }

  /** Wraps a hand-written pickle in a torch zip and expects a refusal that mentions {@code mention}. */
  private void assertRefused(byte[] pickle, String mention) throws Exception {
    Path f = tmp.resolve("hostile-" + Math.abs(mention.hashCode()) + ".ckpt");
    TorchSave.writeZip(f, "archive", pickle, Map.of(), false);
    UserError e = assertThrows(UserError.class, () -> PickleCheckpoint.open(f), mention);
    assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    assertTrue(e.getMessage().substring(f.toString().length()).contains(mention), "should mention '" + mention + "': " + e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  private static TorchSave.Pickle p2() {
    return new TorchSave.Pickle().proto(2);
  }

  @Test
  void hostileGlobalsAreRefusedHoweverTheyAreNamed() throws Exception {
    assertRefused(p2().global("builtins", "eval").str("1+1").op(0x85, 'R', '.').bytes(), "'builtins.eval'");
    assertRefused(p2().global("__builtin__", "getattr").op('.').bytes(), "'builtins.getattr'");
    assertRefused(p2().global("os", "system").op('.').bytes(), "'os.system'");
    // protocol 4: STACK_GLOBAL takes the names from the stack
    assertRefused(new TorchSave.Pickle().proto(4).op(0x8c, 2).op('o', 's').op(0x8c, 6).op("system".chars().toArray())
        .op(0x93, '.').bytes(), "'os.system'");
    // protocol 0: INST names the class inline and calls it with the marked arguments
    assertRefused(new TorchSave.Pickle().op('(').op("S'ls'\n".chars().toArray()).op("isubprocess\nPopen\n".chars().toArray())
        .op('.').bytes(), "'subprocess.Popen'");
    assertRefused(p2().global("copyreg", "_reconstructor").op('.').bytes(), "'copyreg._reconstructor'");
    assertRefused(p2().global("torch._utils", "_rebuild_device_tensor_from_numpy").op('.').bytes(), "_rebuild_device_tensor_from_numpy");
    assertRefused(p2().global("torch.serialization", "load").op('.').bytes(), "'torch.serialization.load'");
    // a sandbox escape attempt through the names of allowed things
    assertRefused(p2().global("collections", "OrderedDict.__init__.__globals__").op('.').bytes(), "OrderedDict.__init__");
  }

  @Test
  void callsAndOpcodesOutsideTheDataModelAreRefused() throws Exception {
    // Calling a reference-only name (a storage class) instead of using it in a persistent id.
    assertRefused(p2().global("torch", "FloatStorage").op(')', 'R', '.').bytes(), "torch.FloatStorage");
    // REDUCE on something that is not a name at all.
    assertRefused(p2().str("os.system").op(')', 'R', '.').bytes(), "calls a str");
    // The copyreg extension registry maps small ints to arbitrary globals.
    assertRefused(p2().op(0x82, 1, '.').bytes(), "extension registry");
    // BUILD (__setstate__) on a list.
    assertRefused(p2().op(']', '}', 'b', '.').bytes(), "BUILD");
    // A dict key Python could not hash.
    assertRefused(p2().op('}', ']', 'K', 1, 's', '.').bytes(), "unhashable");
    // A persistent id that is not a storage.
    assertRefused(p2().str("x").op('Q', '.').bytes(), "persistent id");
  }

  @Test
  void aWholeModuleInALegacyFileIsRefused() throws Exception {
    byte[] pickle = p2().op('(').str("module").global("torch.nn.modules.linear", "Linear").op('t', 'Q', '.').bytes();
    Path f = tmp.resolve("module.pt");
    Files.write(f, TorchSave.legacy(pickle, List.of(), Map.of(), Map.of()));
    UserError e = assertThrows(UserError.class, () -> PickleCheckpoint.open(f));
    assertTrue(e.getMessage().contains("'torch.nn.modules.linear.Linear'"), e.getMessage());
  }

  @Test
  void badFilesGiveOneLineErrors() throws Exception {
    byte[] zip = Files.readAllBytes(fixture("model_zip.ckpt"));
    byte[] legacy = Files.readAllBytes(fixture("model_legacy.ckpt"));
    Map<String, byte[]> cases = new TreeMap<>();
    cases.put("empty.ckpt", new byte[0]);
    cases.put("text.ckpt", "version https://git-lfs.github.com/spec/v1\n".getBytes());
    cases.put("truncated-zip.ckpt", java.util.Arrays.copyOf(zip, zip.length / 2));
    cases.put("truncated-legacy.ckpt", java.util.Arrays.copyOf(legacy, legacy.length - 100));
    cases.put("truncated-legacy-pickle.ckpt", java.util.Arrays.copyOf(legacy, 600));
    cases.put("plain-pickle.pt", p2().integer(5).op('.').bytes());
    cases.put("safetensors.ckpt", Files.readAllBytes(fixture("expected.safetensors")));
    Map<String, String> expect = Map.of(
        "empty.ckpt", "the file is empty",
        "text.ckpt", "neither a zip archive (torch >= 1.6) nor a legacy pickle; first bytes 76 65 72",
        "truncated-zip.ckpt", "no zip end-of-central-directory record (truncated download?)",
        "truncated-legacy.ckpt", "truncated: storage",
        "truncated-legacy-pickle.ckpt", "bytes; truncated?)",
        "plain-pickle.pt", "without torch's magic number",
        "safetensors.ckpt", "name it .safetensors");
    for (Map.Entry<String, byte[]> c : cases.entrySet()) {
      Path f = tmp.resolve(c.getKey());
      Files.write(f, c.getValue());
      UserError e = assertThrows(UserError.class, () -> PickleCheckpoint.open(f), c.getKey());
      assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
      String said = e.getMessage().substring(f.toString().length());
      assertTrue(said.contains(expect.get(c.getKey())), c.getKey() + ": " + e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
      System.out.println("[bad input] " + c.getKey() + said);
    }
    assertTrue(assertThrows(UserError.class, () -> PickleCheckpoint.open(tmp.resolve("missing.ckpt")))
        .getMessage().endsWith("no such file"));
  }

  @Test
  void aCorruptRecordFailsItsCrcWhenRead() throws Exception {
    byte[] zip = Files.readAllBytes(fixture("model_zip.ckpt"));
    Path f = tmp.resolve("corrupt.ckpt");
    long begin;
    try (PickleCheckpoint c = PickleCheckpoint.open(fixture("model_zip.ckpt"))) {
      begin = c.info("ints").begin();
    }
    zip[(int) begin + 3] ^= 0x10;
    Files.write(f, zip);
    try (PickleCheckpoint c = PickleCheckpoint.open(f)) {
      UserError e = assertThrows(UserError.class, () -> c.bytes("ints"));
      assertTrue(e.getMessage().contains("fails its CRC-32 check"), e.getMessage());
      c.bytes("base"); // other records are fine
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
  void pathologicalPicklesFailFastWithoutRecursionOrQuadraticWork() throws Exception {
    // A list containing itself, inside a tuple used as a dict key: Python says unhashable; no recursion here.
    assertRefused(p2().op('}', ']', 'q', 0, 'h', 0, 'a', 0x85).integer(1).op('s', '.').bytes(), "unhashable");
    // Tuples nested 200 deep.
    TorchSave.Pickle deep = p2().op('N');
    for (int i = 0; i < 200; i++) deep.op(0x85);
    assertRefused(deep.op('.').bytes(), "nested deeper than");
    // Dicts nested 40 deep around a tensor-less leaf.
    TorchSave.Pickle dicts = p2();
    for (int i = 0; i < 40; i++) dicts.op('}').str("d");
    dicts.op('}');
    for (int i = 0; i < 40; i++) dicts.op('s');
    assertRefused(dicts.op('.').bytes(), "nested deeper than 32");
    // A dict that contains itself holds no tensors (and does not loop).
    assertRefused(p2().op('}', 'q', 0).str("self").op('h', 0, 's', '.').bytes(), "holds no tensors");
    // Lengths far beyond the data: refused before anything is allocated.
    assertRefused(p2().op('X', 0xff, 0xff, 0xff, 0xff, '.').bytes(), "truncated");
    assertRefused(p2().op(0x8e, 0, 0, 0, 0, 0, 0, 0, 0x40, '.').bytes(), "truncated");
    assertRefused(p2().op(0x8b, 0, 0, 0, 0x10, '.').bytes(), "an integer of");
    TorchSave.Pickle marks = p2();
    for (int i = 0; i < 5000; i++) marks.op('(');
    assertRefused(marks.op('.').bytes(), "open MARKs");
    // Half a million dict insertions under a 256 KiB key that equals (but is not) the first key: a
    // hash map would compare 256 KiB per insertion (minutes); the pair list does not compare at all.
    String big = "k".repeat(1 << 18);
    TorchSave.Pickle many = p2().op('}').str(big).op('q', 1).str(big).op('q', 2).op('0', '0', '(');
    for (int i = 0; i < 500_000; i++) many.op('h', i % 2 == 0 ? 1 : 2, 'N');
    many.op('u', '.');
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
        () -> assertRefused(many.bytes(), "holds no tensors"));
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

  @Test
  void otherTorchFilesGetTheirOwnErrors() throws Exception {
    // torch.save(tensor): one tensor, no names.
    TorchSave.View v = new TorchSave.View("t", DType.F32, "0", 0, new long[] {1}, new long[] {1});
    TorchSave.Pickle one = p2();
    TorchSave.tensor(one, v, 1, false);
    Path a = tmp.resolve("tensor.pt");
    TorchSave.writeZip(a, "tensor", one.op('.').bytes(), Map.of("0", new byte[4]), false);
    assertTrue(assertThrows(UserError.class, () -> PickleCheckpoint.open(a)).getMessage()
        .endsWith(": holds a single tensor, not a dict of named tensors (a state_dict)"));
    // A complex tensor: no safetensors dtype for it.
    TorchSave.Pickle cx = p2().op('}').str("c").global("torch._utils", "_rebuild_tensor_v2").op('(', '(').str("storage")
        .global("torch", "ComplexFloatStorage").str("0").str("cpu").integer(1).op('t', 'Q').integer(0).ints(new long[] {1})
        .ints(new long[] {1}).op(0x89, 'N', 't', 'R', 's', '.');
    assertRefused(cx.bytes(), "tensors of torch.ComplexFloatStorage are not supported (supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL)");
    // torch.jit.save: code, not a checkpoint.
    Path js = tmp.resolve("script.pt");
    TorchSave.writeZip(js, "script", p2().op('}', '.').bytes(), Map.of("../constants.pkl", new byte[1]), false);
    assertTrue(assertThrows(UserError.class, () -> PickleCheckpoint.open(js)).getMessage()
        .endsWith("a TorchScript archive (torch.jit.save), not a torch.save checkpoint"));
  }
}
