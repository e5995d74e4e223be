package org.conceptprune.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.runtime.TorchRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights narrowed to bf16 from each checkpoint dtype: the values are the checkpoint's rounded to
 * bf16 (round to nearest even), conv weights in channels-last but reading back in NCHW order, and
 * nothing aliases the memory map (the file is closed before the values are read back).
 */
class Bf16ReadTest {
  @TempDir Path tmp;

  @Test
  void narrowsEveryDtypeWithoutAliasingTheMap() {
    long[][] shapes = {{5, 7}, {3, 2, 1, 1}, {2, 3, 3, 3}};
    SplittableRandom r = new SplittableRandom(3);
    SafetensorsWriter w = new SafetensorsWriter();
    Map<String, float[]> expected = new LinkedHashMap<>();
    for (DType dt : new DType[] {DType.F32, DType.F16, DType.BF16}) {
      for (long[] s : shapes) {
        int n = 1;
        for (long d : s) n *= (int) d;
        float[] v = new float[n];
        ByteBuffer b = ByteBuffer.allocate(n * (dt == DType.F32 ? 4 : 2)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
          float x = (float) (r.nextGaussian() * 3);
          switch (dt) {
            case F32 -> b.putFloat(x);
            case F16 -> {
              short h = DType.floatToHalf(x);
              b.putShort(h);
              x = DType.halfToFloat(h);
            }
            default -> {
              short h = DType.floatToBf16(x);
              b.putShort(h);
              x = DType.bf16ToFloat(h);
            }
          }
          v[i] = DType.bf16ToFloat(DType.floatToBf16(x)); // what bf16 can hold of the stored value
        }
        String key = dt + "." + java.util.Arrays.toString(s);
        w.addBytes(key, dt, s, b.array());
        expected.put(key, v);
      }
    }
    Path file = tmp.resolve("w.safetensors");
    w.write(file);
    try (NDManager m = TorchRuntime.newManager()) {
      Map<String, NDArray> loaded = new LinkedHashMap<>();
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        for (String k : expected.keySet()) loaded.put(k, WeightLoader.read(f, k, m, DataType.BFLOAT16));
      }
      System.gc(); // unmapped buffers must not be what the tensors read
      for (String k : expected.keySet()) {
        NDArray a = loaded.get(k);
        assertTrue(Bf16.is(a), k + " is bf16");
        assertArrayEquals(expected.get(k), Bf16.widen(a).toFloatArray(), 0f, k);
      }
    }
  }
}
