package org.conceptprune.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.ShardedSafetensors;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.model.unet.UNet2DConditionConfig;
import org.conceptprune.model.unet.UNet2DConditionModel;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Binding reports every missing key, unexpected key and shape mismatch in one error; fp32 reading
 * gives every checkpoint dtype's values bit for bit, in memory of its own (not the memory map).
 */
class WeightLoaderTest {
  @TempDir Path tmp;

  @Test
  void readsEveryDtypeToFp32BitForBitWithoutAliasingTheMap() {
    SplittableRandom r = new SplittableRandom(5);
    int n = 4096;
    SafetensorsWriter w = new SafetensorsWriter();
    Map<String, float[]> expected = new LinkedHashMap<>();
    for (DType dt : new DType[] {DType.F32, DType.F16, DType.BF16, DType.F64}) {
      ByteBuffer b = ByteBuffer.allocate(n * dt.size).order(ByteOrder.LITTLE_ENDIAN);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        // normal values, fp16 subnormals (|x| < 6.1e-5) and signed zeros
        double x = i % 4 == 0 ? r.nextGaussian() * 3 : i % 4 == 1 ? r.nextGaussian() * 3e-5 : i % 4 == 2 ? r.nextGaussian() * 1e-7 : (i % 8 == 3 ? 0.0 : -0.0);
        switch (dt) {
          case F32 -> b.putFloat(v[i] = (float) x);
          case F16 -> {
            short h = DType.floatToHalf((float) x);
            b.putShort(h);
            v[i] = DType.halfToFloat(h);
          }
          case BF16 -> {
            short h = DType.floatToBf16((float) x);
            b.putShort(h);
            v[i] = DType.bf16ToFloat(h);
          }
          default -> {
            b.putDouble(x);
            v[i] = (float) x;
          }
        }
      }
      String key = dt.name();
      w.addBytes(key, dt, new long[] {n / 64, 64}, b.array());
      expected.put(key, v);
    }
    Path file = tmp.resolve("w.safetensors");
    w.write(file);
    try (NDManager m = TorchRuntime.newManager()) {
      Map<String, NDArray> loaded = new LinkedHashMap<>();
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        for (String k : expected.keySet()) loaded.put(k, WeightLoader.read(f, k, m, DataType.FLOAT32));
      }
      System.gc(); // unmapped or freed buffers must not be what the tensors read
      for (String k : expected.keySet()) {
        NDArray a = loaded.get(k);
        assertEquals(DataType.FLOAT32, a.getDataType(), k);
        float[] got = a.toFloatArray();
        float[] want = expected.get(k);
        for (int i = 0; i < n; i++) {
          assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), k + " element " + i + ": " + want[i] + " vs " + got[i]);
        }
      }
    }
  }

  @Test
  void allProblemsInOneError() {
    Path dir = Fixtures.tinySd().resolve("unet");
    Path bad = tmp.resolve("bad.safetensors");
    try (TensorSource src = ShardedSafetensors.open(dir)) {
      SafetensorsWriter w = new SafetensorsWriter();
      for (TensorInfo t : src.tensors().values()) {
        String k = t.name();
        if (k.equals("conv_in.bias") || k.equals("conv_out.weight")) continue; // missing
        if (k.equals("mid_block.attentions.0.transformer_blocks.0.ff.net.2.weight")) {
          w.addFloats(k, new long[] {64, 255}, new float[64 * 255]); // wrong shape
          continue;
        }
        w.add(k, t.dtype(), t.shape(), () -> src.bytes(k));
      }
      w.addFloats("extra.weight", new long[] {2}, new float[2]); // unexpected
      w.write(bad);
    }
    UNet2DConditionModel unet = new UNet2DConditionModel(UNet2DConditionConfig.read(dir.resolve("config.json")));
    try (NDManager m = TorchRuntime.newManager(); SafetensorsFile f = SafetensorsFile.open(bad)) {
      UserError e = assertThrows(UserError.class, () -> WeightLoader.load("unet", unet, f, m, k -> false, DataType.FLOAT32));
      String msg = e.getMessage();
      assertTrue(msg.contains(bad.toString()), msg);
      assertTrue(msg.contains("2 missing keys") && msg.contains("conv_in.bias") && msg.contains("conv_out.weight"), msg);
      assertTrue(msg.contains("1 shape mismatches") && msg.contains("expected [64, 256], found [64, 255]"), msg);
      assertTrue(msg.contains("1 unexpected keys") && msg.contains("extra.weight"), msg);
    }
  }
}
