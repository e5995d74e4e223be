package org.conceptprune.io.pickle;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2,000 seeded mutations of the pth/ fixtures (and of model_zip.ckpt in ZIP64 form) (byte flips, truncations, opcode swaps and pickle
 * edits re-zipped with valid CRCs, header edits, insertions and deletions): each must either read
 * (every tensor's bytes included) or fail with a {@link UserError} on one line: never another
 * exception, an Error (stack overflow, out of memory) or a hang.
 */
class PickleFuzzTest {
  static final int CASES = Integer.getInteger("fuzz.cases", 2000);
  static final int SEED0 = Integer.getInteger("fuzz.seed0", 0);
  static final String[] FILES = {"model_zip.ckpt", "model_legacy.ckpt", "weights_zip.pth", "evil.ckpt"};
  static final String[] KINDS = {"byte flips", "truncation", "opcode swap", "pickle bytes", "header edit", "insert/delete"};
  /** Every opcode of protocols 0-5, and a few bytes that are none. */
  static final byte[] OPCODES = "(.012FIJKLMNPQRSTUVXabcdeghijlopqrstu}])GBC".getBytes();
  static final int[] OPCODES_HI = {0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d,
      0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x00, 0xff, 0x7f};

  @TempDir Path tmp;

  /** A fixture split into its pickle and records (zip), or its raw bytes with the pickle's range (legacy). */
  record Source(String name, byte[] raw, boolean zip, String dir, byte[] pickle, Map<String, byte[]> records, int pickleEnd) {}

  static Source load(String name) throws IOException {
    Path p = PickleCheckpointTest.fixture(name);
    byte[] raw = Files.readAllBytes(p);
    if (raw[0] != 'P') return new Source(name, raw, false, null, null, null, 1412); // legacy: 4 pickles end at 1236, keys at 1412
    Map<String, byte[]> records = new LinkedHashMap<>();
    byte[] pickle = null;
    String dir = null;
    try (ZipFile z = new ZipFile(p.toFile())) {
      for (ZipEntry e : java.util.Collections.list(z.entries())) {
        byte[] b;
        try (InputStream in = z.getInputStream(e)) {
          b = in.readAllBytes();
        }
        String n = e.getName();
        if (n.endsWith("/data.pkl")) {
          pickle = b;
          dir = n.substring(0, n.indexOf('/'));
        } else if (n.contains("/data/")) {
          records.put(n.substring(n.indexOf("/data/") + 6), b);
        }
      }
    }
    return new Source(name, raw, true, dir, pickle, records, 0);
  }

  @Test
  void everyMutationReadsOrFailsCleanly() throws Exception {
    Source[] sources = new Source[FILES.length + 1];
    for (int i = 0; i < FILES.length; i++) sources[i] = load(FILES[i]);
    Source z = sources[0]; // model_zip.ckpt in the ZIP64 form of files over 4 GiB
    sources[FILES.length] = new Source("model_zip64.ckpt", TorchSave.toZip64(z.raw), true, z.dir, z.pickle, z.records, 0);
    int[][] outcome = new int[KINDS.length][2]; // [kind][read ok, UserError]
    long t0 = System.nanoTime();
    assertTimeoutPreemptively(Duration.ofSeconds(Integer.getInteger("fuzz.timeout", 60)), () -> {
      for (int seed = SEED0; seed < SEED0 + CASES; seed++) {
        Random r = new Random(seed);
        Source s = sources[seed % sources.length];
        int kind = r.nextInt(KINDS.length);
        Path f = tmp.resolve("case" + seed + (s.name().endsWith(".pth") ? ".pth" : ".ckpt"));
        Files.write(f, mutate(s, kind, r, f));
        String what = "seed " + seed + " (" + KINDS[kind] + " of " + s.name + ")";
        try (PickleCheckpoint c = PickleCheckpoint.open(f)) {
          for (String k : c.names()) {
            long n = c.bytes(k).remaining();
            if (n != c.info(k).byteLength()) fail(what + ": tensor " + k + " has " + n + " bytes, its info says " + c.info(k).byteLength());
            c.floats(k);
          }
          outcome[kind][0]++;
        } catch (UserError e) {
          assertFalse(e.getMessage().contains("\n"), what + ": multi-line message " + e.getMessage());
          assertTrue(e.getMessage().startsWith(f.toString()), what + ": message does not name the file: " + e.getMessage());
          outcome[kind][1]++;
          if (Boolean.getBoolean("fuzz.log")) System.out.println("[fuzz] " + what + ": " + e.getMessage().substring(f.toString().length()));
        } catch (Throwable e) {
          throw new AssertionError(what + ": " + e, e);
        }
        Files.delete(f);
      }
    });
    double secs = (System.nanoTime() - t0) / 1e9;
    int ok = 0;
    int refused = 0;
    Map<String, String> table = new TreeMap<>();
    for (int k = 0; k < KINDS.length; k++) {
      ok += outcome[k][0];
      refused += outcome[k][1];
      table.put(KINDS[k], outcome[k][0] + " read / " + outcome[k][1] + " refused");
    }
    System.out.printf("[fuzz] %d mutations in %.1f s: %d read, %d refused (UserError), 0 other; %s%n", CASES, secs, ok, refused, table);
    assertTrue(ok > 100 && refused > 100, "the mutations should exercise both outcomes");
  }

  static byte[] mutate(Source s, int kind, Random r, Path f) throws IOException {
    switch (kind) {
      case 0 -> { // byte flips anywhere
        byte[] b = s.raw.clone();
        for (int i = 1 + r.nextInt(8); i > 0; i--) b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
        return b;
      }
      case 1 -> {
        return Arrays.copyOf(s.raw, r.nextInt(s.raw.length));
      }
      case 2, 3, 5 -> { // edits of the pickle itself (a zip is rebuilt so its CRCs stay valid)
        byte[] p = s.zip ? s.pickle : Arrays.copyOf(s.raw, s.pickleEnd);
        byte[] q = kind == 2 ? swapOpcodes(p, r) : kind == 3 ? pickleBytes(p, r) : insertDelete(p, r);
        if (!s.zip) return concat(q, Arrays.copyOfRange(s.raw, s.pickleEnd, s.raw.length));
        TorchSave.writeZip(f, s.dir, q, s.records, false);
        return Files.readAllBytes(f);
      }
      case 4 -> {
        return headerEdit(s, r);
      }
      default -> throw new IllegalArgumentException();
    }
  }

  static byte[] swapOpcodes(byte[] p, Random r) {
    byte[] q = p.clone();
    for (int i = 1 + r.nextInt(3); i > 0; i--) {
      int at = r.nextInt(q.length);
      q[at] = r.nextBoolean() ? OPCODES[r.nextInt(OPCODES.length)] : (byte) OPCODES_HI[r.nextInt(OPCODES_HI.length)];
    }
    return q;
  }

  /** Small integer edits where lengths, counts, memo indices and shapes live. */
  static byte[] pickleBytes(byte[] p, Random r) {
    byte[] q = p.clone();
    for (int i = 1 + r.nextInt(4); i > 0; i--) {
      int at = r.nextInt(q.length);
      q[at] = switch (r.nextInt(4)) {
        case 0 -> 0;
        case 1 -> (byte) 0xff;
        case 2 -> (byte) (q[at] + 1);
        default -> (byte) r.nextInt(256);
      };
    }
    return q;
  }

  static byte[] insertDelete(byte[] p, Random r) {
    int at = r.nextInt(p.length);
    if (r.nextBoolean()) {
      int n = 1 + r.nextInt(Math.min(40, p.length - at));
      return concat(Arrays.copyOf(p, at), Arrays.copyOfRange(p, at + n, p.length));
    }
    byte[] ins = new byte[1 + r.nextInt(8)];
    r.nextBytes(ins);
    return concat(concat(Arrays.copyOf(p, at), ins), Arrays.copyOfRange(p, at, p.length));
  }

  /** Zip: a field of a local header, a central directory entry or the end record; legacy: the preamble or a storage count. */
  static byte[] headerEdit(Source s, Random r) {
    byte[] b = s.raw.clone();
    if (s.zip) {
      int[] sigs = {0x04034b50, 0x02014b50, 0x06054b50, 0x06064b50, 0x07064b50};
      java.util.List<Integer> at = new java.util.ArrayList<>();
      int sig = 0;
      while (at.isEmpty()) { // the ZIP64 records exist only in the ZIP64 variant
        sig = sigs[r.nextInt(sigs.length)];
        for (int i = 0; i + 4 <= b.length; i++) {
          if ((b[i] & 0xff | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24) == sig) at.add(i);
        }
      }
      int base = at.get(r.nextInt(at.size()));
      int span = switch (sig) {
        case 0x02014b50 -> 46 + 28; // with the ZIP64 extra field when there is one
        case 0x06054b50 -> 22;
        case 0x06064b50 -> 56;
        case 0x07064b50 -> 20;
        default -> 30;
      };
      int off = base + 4 + r.nextInt(span - 4);
      if (off < b.length) b[off] = r.nextBoolean() ? (byte) 0xff : (byte) r.nextInt(256);
      return b;
    }
    int off = r.nextBoolean() ? r.nextInt(137) : 1412 + r.nextInt(8); // preamble pickles, or the first storage count
    b[off] = (byte) r.nextInt(256);
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
