package org.conceptprune.io.pickle;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the pickle reader refuses, and how: hostile names, malformed and pathological files. */
class PickleRefusalTest {
  @TempDir Path tmp;

  static Path fixture(String name) {
    return PickleCheckpointTest.fixture(name);
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
