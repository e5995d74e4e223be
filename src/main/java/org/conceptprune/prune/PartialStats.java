package org.conceptprune.prune;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;

/**
 * The sums of an unfinished statistics pass, saved after every run (prompt pair and latent) so that an
 * interrupted run resumes at the next one. Tensors {@code target.<layer>} / {@code reference.<layer>}
 * F64 [calls, in] and, when per prompt, {@code prompt_target.<layer>} / {@code prompt_reference.<layer>}
 * F32 [runs, calls * in]; metadata {@code pairs_done} (runs done), {@code unet_calls}.
 */
final class PartialStats {
  private PartialStats() {}

  /** The accumulators of a pass: pooled float64 sums (layer -> [calls][in]) and per-run sums (layer -> [runs][calls*in]). */
  record Sums(Map<String, double[][]> target, Map<String, double[][]> reference, Map<String, float[][]> promptTarget,
      Map<String, float[][]> promptReference) {}

  static void save(Path file, int runsDone, Sums s, int unetCalls) {
    SafetensorsWriter w = new SafetensorsWriter()
        .metadata("pairs_done", Integer.toString(runsDone))
        .metadata("unet_calls", Integer.toString(unetCalls));
    s.target().forEach((k, v) -> w.add("target." + k, DType.F64, new long[] {v.length, v[0].length}, pack(v)));
    s.reference().forEach((k, v) -> w.add("reference." + k, DType.F64, new long[] {v.length, v[0].length}, pack(v)));
    s.promptTarget().forEach((k, v) -> w.addFloats("prompt_target." + k, new long[] {v.length, v[0].length}, concat(v)));
    s.promptReference().forEach((k, v) -> w.addFloats("prompt_reference." + k, new long[] {v.length, v[0].length}, concat(v)));
    w.write(file);
  }

  /** Loads the sums into the (zeroed) accumulators; @return runs already done, 0 without a (matching) file */
  static int resume(Path file, Sums s, int[] unetCalls) {
    if (!Files.exists(file)) return 0;
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      for (var e : Map.of("target.", s.target(), "reference.", s.reference()).entrySet()) {
        for (var l : e.getValue().entrySet()) {
          String name = e.getKey() + l.getKey();
          double[][] acc = l.getValue();
          if (!f.tensors().containsKey(name) || f.info(name).numel() != (long) acc.length * acc[0].length) return 0;
        }
      }
      for (var e : Map.of("prompt_target.", s.promptTarget(), "prompt_reference.", s.promptReference()).entrySet()) {
        for (var l : e.getValue().entrySet()) {
          String name = e.getKey() + l.getKey();
          float[][] acc = l.getValue();
          if (!f.tensors().containsKey(name) || f.info(name).numel() != (long) acc.length * acc[0].length) return 0;
        }
      }
      for (var e : Map.of("target.", s.target(), "reference.", s.reference()).entrySet()) {
        for (var l : e.getValue().entrySet()) {
          double[][] acc = l.getValue();
          ByteBuffer b = f.bytes(e.getKey() + l.getKey()).order(ByteOrder.LITTLE_ENDIAN);
          for (int t = 0; t < acc.length; t++) {
            for (int j = 0; j < acc[t].length; j++) acc[t][j] = b.getDouble(8 * (t * acc[t].length + j));
          }
        }
      }
      for (var e : Map.of("prompt_target.", s.promptTarget(), "prompt_reference.", s.promptReference()).entrySet()) {
        for (var l : e.getValue().entrySet()) {
          float[][] acc = l.getValue();
          float[] v = f.floats(e.getKey() + l.getKey());
          for (int r = 0; r < acc.length; r++) System.arraycopy(v, r * acc[r].length, acc[r], 0, acc[r].length);
        }
      }
      unetCalls[0] = Integer.parseInt(f.metadata().getOrDefault("unet_calls", "0"));
      return Integer.parseInt(f.metadata().getOrDefault("pairs_done", "0"));
    }
  }

  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a stale partial file is harmless: its key no longer matches once the cache has the result
    }
  }

  static float[] concat(float[][] rows) {
    float[] out = new float[rows.length * rows[0].length];
    for (int r = 0; r < rows.length; r++) System.arraycopy(rows[r], 0, out, r * rows[0].length, rows[0].length);
    return out;
  }

  private static ByteBuffer pack(double[][] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * v[0].length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double[] row : v) for (double d : row) b.putDouble(d);
    return b.flip();
  }
}
