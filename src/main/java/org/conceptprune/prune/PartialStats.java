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
 * The float64 sums of an unfinished statistics pass, saved after every prompt pair so that an
 * interrupted run resumes at the next pair. Tensors {@code target.<layer>} / {@code reference.<layer>}
 * F64 [calls, in]; metadata {@code pairs_done}, {@code unet_calls}.
 */
final class PartialStats {
  private PartialStats() {}

  static void save(Path file, int pairsDone, Map<String, double[][]> target, Map<String, double[][]> reference, int unetCalls) {
    SafetensorsWriter w = new SafetensorsWriter()
        .metadata("pairs_done", Integer.toString(pairsDone))
        .metadata("unet_calls", Integer.toString(unetCalls));
    target.forEach((k, v) -> w.add("target." + k, DType.F64, new long[] {v.length, v[0].length}, pack(v)));
    reference.forEach((k, v) -> w.add("reference." + k, DType.F64, new long[] {v.length, v[0].length}, pack(v)));
    w.write(file);
  }

  /** Loads the sums into the (zeroed) accumulators; @return pairs already done, 0 without a file */
  static int resume(Path file, Map<String, double[][]> target, Map<String, double[][]> reference, int[] unetCalls) {
    if (!Files.exists(file)) return 0;
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      for (var e : Map.of("target.", target, "reference.", reference).entrySet()) {
        for (var l : e.getValue().entrySet()) {
          String name = e.getKey() + l.getKey();
          double[][] acc = l.getValue();
          if (!f.tensors().containsKey(name) || f.info(name).numel() != (long) acc.length * acc[0].length) return 0;
          ByteBuffer b = f.bytes(name).order(ByteOrder.LITTLE_ENDIAN);
          for (int t = 0; t < acc.length; t++) {
            for (int j = 0; j < acc[t].length; j++) acc[t][j] = b.getDouble(8 * (t * acc[t].length + j));
          }
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

  private static ByteBuffer pack(double[][] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * v[0].length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double[] row : v) for (double d : row) b.putDouble(d);
    return b.flip();
  }
}
