package org.conceptprune.io.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader on good and hand-made bad files; the writer's layout; a file over 2 GiB. */
class SafetensorsFileTest {
  @TempDir Path tmp;

  /** A file with the given header text and data bytes. */
  Path file(String name, byte[] header, byte[] data, long declaredLength) throws Exception {
    Path p = tmp.resolve(name);
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(declaredLength).put(header).put(data);
    Files.write(p, b.array());
    return p;
  }

  Path file(String name, String header, int dataBytes) throws Exception {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return file(name, h, new byte[dataBytes], h.length);
  }

  String error(Path p) {
    UserError e = assertThrows(UserError.class, () -> SafetensorsFile.open(p).close());
    assertTrue(e.getMessage().startsWith(p.toString()), "names the file: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void badFilesGiveClearErrors() throws Exception {
    Path empty = tmp.resolve("empty.safetensors");
    Files.write(empty, new byte[0]);
    assertTrue(error(empty).contains("empty"));

    String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
    assertTrue(error(file("truncated.safetensors", ok, 8)).contains("outside the data block"));
    assertTrue(error(file("shortheader.safetensors", ok.getBytes(), new byte[0], 5000)).contains("past the end"));
    // A header length of 2^40: refused before any allocation.
    assertTrue(error(file("huge.safetensors", ok.getBytes(), new byte[16], 1L << 40)).contains("exceeds"));
    assertTrue(error(file("overlap.safetensors",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12))
        .contains("overlap"));
    String m = error(file("mismatch.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[0,16]}}", 16));
    assertTrue(m.contains("[3,2]") && m.contains("24") && m.contains("16"), m);
    assertTrue(error(file("dtype.safetensors", "{\"a\":{\"dtype\":\"F8_E4M3X\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2))
        .contains("unknown dtype 'F8_E4M3X'"));
    byte[] notUtf8 = {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'};
    assertTrue(error(file("utf8.safetensors", notUtf8, new byte[0], notUtf8.length)).contains("UTF-8"));
    assertTrue(error(file("json.safetensors", "{\"a\": [1, 2", 0)).contains("not valid JSON"));
    assertTrue(error(file("negative.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4))
        .contains("bad shape"));
    assertTrue(error(file("sizeoverflow.safetensors",
        "{\"a\":{\"dtype\":\"F64\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", 8)).contains("overflows"));
    assertTrue(error(tmp.resolve("missing.safetensors")).contains("no such file"));
  }

  @Test
  void writerRoundTripsEveryDtypeWithMetadataSortedAndAligned() throws Exception {
    Path p = tmp.resolve("all.safetensors");
    SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt").metadata("note", "héllo");
    float[] f = {1.5f, -2.25f, 65504f, 1e-8f};
    w.add("z.f16", DType.F16, new long[] {4}, TensorCodec.fromFloats(f, DType.F16));
    w.add("y.bf16", DType.BF16, new long[] {4}, TensorCodec.fromFloats(f, DType.BF16));
    w.add("x.f64", DType.F64, new long[] {2, 2}, TensorCodec.fromFloats(f, DType.F64));
    w.addFloats("w.f32", new long[] {4}, f);
    w.addLongs("v.i64", new long[] {3}, new long[] {-1, 0, Long.MAX_VALUE});
    ByteBuffer i32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-7).putInt(9);
    w.add("u.i32", DType.I32, new long[] {2}, i32.flip());
    ByteBuffer i16 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) -3).putShort((short) 4);
    w.add("t.i16", DType.I16, new long[] {2}, i16.flip());
    w.addBytes("s.i8", DType.I8, new long[] {2}, new byte[] {-5, 6});
    w.addBytes("r.u8", DType.U8, new long[] {2}, new byte[] {(byte) 200, 1});
    w.addBytes("q.bool", DType.BOOL, new long[] {3}, new byte[] {1, 0, 1});
    w.add("p.empty", DType.F32, new long[] {0, 3}, ByteBuffer.allocate(0));
    w.write(p);
    byte[] raw = Files.readAllBytes(p);
    long n = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, (8 + n) % 8, "data block starts 8-aligned");
    String header = new String(raw, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.indexOf("\"p.empty\"") < header.indexOf("\"z.f16\""), "keys sorted");
    assertTrue(header.startsWith("{\"__metadata__\""), header);
    try (SafetensorsFile s = SafetensorsFile.open(p)) {
      assertEquals(Map.of("format", "pt", "note", "héllo"), s.metadata());
      assertArrayEquals(f, s.floats("w.f32"));
      assertArrayEquals(f, s.floats("x.f64"));
      assertArrayEquals(new float[] {1.5f, -2.25f, 65504f, 0f}, s.floats("z.f16"), 1e-12f);
      assertEquals(-2.25f, s.floats("y.bf16")[1]);
      assertArrayEquals(new long[] {-1, 0, Long.MAX_VALUE}, s.longs("v.i64"));
      assertArrayEquals(new long[] {-7, 9}, s.longs("u.i32"));
      assertArrayEquals(new long[] {-3, 4}, s.longs("t.i16"));
      assertArrayEquals(new long[] {-5, 6}, s.longs("s.i8"));
      assertArrayEquals(new long[] {200, 1}, s.longs("r.u8"));
      assertArrayEquals(new long[] {1, 0, 1}, s.longs("q.bool"));
      assertEquals(0, s.floats("p.empty").length);
    }
  }

  @Test
  void halfPrecisionConversionsAreExact() {
    for (int h = 0; h < 65536; h++) {
      float v = DType.halfToFloat((short) h);
      if (Float.isNaN(v)) continue;
      assertEquals((short) h, DType.floatToHalf(v), "half " + Integer.toHexString(h));
    }
    assertEquals(DType.floatToHalf(1.0f + 0x1p-11f), DType.floatToHalf(1.0f), "ties to even");
    assertEquals(Float.POSITIVE_INFINITY, DType.halfToFloat(DType.floatToHalf(70000f)));
    assertEquals(1.0f, DType.bf16ToFloat(DType.floatToBf16(1.0f)));
  }

  @Test
  void readsTheLastTensorOfAFileOver2GiB() throws Exception {
    Path p = tmp.resolve("big.safetensors");
    long big = (1L << 31) + 4096; // a U8 tensor past 2 GiB, left sparse
    String header = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
        + "\"last\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[" + big + "," + (big + 12) + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
      f.write(len.array());
      f.write(h);
      f.seek(8 + h.length + big);
      ByteBuffer last = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(-2f).putFloat(3.5f);
      f.write(last.array());
    }
    try (SafetensorsFile s = SafetensorsFile.open(p)) {
      assertTrue(s.info("last").begin() > Integer.MAX_VALUE);
      assertArrayEquals(new float[] {1f, -2f, 3.5f}, s.floats("last"));
      UserError e = assertThrows(UserError.class, () -> s.bytes("big"));
      assertTrue(e.getMessage().contains("over 2 GiB"));
    }
  }

  @Test
  void shardedCheckpointsResolveThroughTheIndex() throws Exception {
    SafetensorsWriter w = new SafetensorsWriter();
    for (int i = 0; i < 5; i++) w.addFloats("t" + i, new long[] {256}, new float[256]);
    List<Path> files = w.writeSharded(tmp, "model", 2048);
    assertEquals(4, files.size(), "3 shards + index: " + files);
    try (TensorSource s = ShardedSafetensors.open(tmp)) {
      assertEquals(5, s.names().size());
      assertEquals(256, s.floats("t4").length);
    }
  }
}
