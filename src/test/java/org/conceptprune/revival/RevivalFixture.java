package org.conceptprune.revival;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.prune.LayerWeight;

/** Reads the revival-sd1 goldens (src/test/resources/fixtures/revival-sd1, see README-revival.md). */
final class RevivalFixture {
  static final String DIR = "fixtures/revival-sd1/";

  private RevivalFixture() {}

  /** Every tensor of a golden file as a layer weight, keyed by layer path ("...ff.net.2"), sorted. */
  static TreeMap<String, LayerWeight> weights(String file) {
    TreeMap<String, LayerWeight> out = new TreeMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(Fixtures.path(DIR + file))) {
      for (String n : f.names()) {
        int[] s = f.info(n).intShape();
        out.put(layer(n), new LayerWeight(f.floats(n), s[0], s[1]));
      }
    }
    return out;
  }

  /** An F64 golden file, keyed by layer path. */
  static Map<String, double[]> doubles(String file) {
    Map<String, double[]> out = new TreeMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(Fixtures.path(DIR + file))) {
      for (String n : f.names()) {
        ByteBuffer b = f.bytes(n).order(ByteOrder.LITTLE_ENDIAN);
        double[] d = new double[(int) f.info(n).numel()];
        b.asDoubleBuffer().get(d);
        out.put(layer(n), d);
      }
    }
    return out;
  }

  static String layer(String tensor) {
    return tensor.substring(0, tensor.length() - ".weight".length());
  }

  static double[] widen(float[] w) {
    double[] d = new double[w.length];
    for (int i = 0; i < w.length; i++) d[i] = w[i];
    return d;
  }
}
