package org.conceptprune.revival;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;

/**
 * Completed layers kept between runs, so an interrupted revival resumes at the next layer and a rerun
 * with another --top-ratio, --magnitude or --revival-seed skips the completion. One file per layer,
 * {@code DIR/<layer>.safetensors}: tensor {@code completed} F64 [m, n] and in the metadata the key (a
 * SHA-256 of the weight, the locations, the iteration cap and the tolerance), iterations, δ, seconds and
 * empty columns. A file whose key differs is ignored (and replaced).
 */
public final class CompletionCache {
  private final Path dir;

  /** A completion and the seconds it took. */
  public record Entry(MatrixCompletion.Completion completion, double seconds) {}

  public CompletionCache(Path dir) {
    this.dir = dir;
  }

  Path file(String layer) {
    return dir.resolve(layer + ".safetensors");
  }

  /** The stored completion of these inputs, or null. */
  public Entry find(String layer, LayerWeight w, LayerMask locations, RevivalSettings s) {
    Path f = file(layer);
    if (!Files.exists(f)) return null;
    try (SafetensorsFile sf = SafetensorsFile.open(f)) {
      Map<String, String> meta = sf.metadata();
      if (!key(layer, w, locations, s).equals(meta.get("key"))) return null;
      double[] c = new double[w.w().length];
      sf.bytes("completed").order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(c);
      var done = new MatrixCompletion.Completion(c, Integer.parseInt(meta.get("iterations")),
          Double.parseDouble(meta.get("delta")), Integer.parseInt(meta.get("empty_columns")));
      return new Entry(done, Double.parseDouble(meta.get("seconds")));
    } catch (RuntimeException e) {
      return null; // a damaged or foreign file: computed again and replaced
    }
  }

  public void store(String layer, LayerWeight w, LayerMask locations, RevivalSettings s, Entry e) {
    double[] c = e.completion().c64();
    ByteBuffer b = ByteBuffer.allocate(c.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(c);
    new SafetensorsWriter()
        .metadata("key", key(layer, w, locations, s))
        .metadata("iterations", Integer.toString(e.completion().iterations()))
        .metadata("delta", Double.toString(e.completion().delta()))
        .metadata("empty_columns", Integer.toString(e.completion().emptyColumns()))
        .metadata("seconds", Double.toString(e.seconds()))
        .add("completed", DType.F64, new long[] {w.out(), w.in()}, b)
        .write(file(layer));
  }

  static String key(String layer, LayerWeight w, LayerMask locations, RevivalSettings s) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update((layer + "|" + w.out() + "x" + w.in() + "|" + s.iterations() + "|" + s.tolerance() + "|").getBytes(
          java.nio.charset.StandardCharsets.UTF_8));
      ByteBuffer b = ByteBuffer.allocate(w.w().length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(w.w());
      d.update(b);
      d.update(locations.toPackedBits());
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
