package org.conceptprune.eval.fid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.eval.ProceduralSource;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.runtime.TorchRuntime;
import org.junit.jupiter.api.Test;

/** pool3 of pytorch-fid's InceptionV3([3]) with procedural weights (seed 2) against the torch golden. */
class FidInceptionGoldenTest {
  static final Path GOLDEN = Fixtures.path("fixtures/eval/fid-golden.safetensors");
  static final Path KEYS = Fixtures.path("fixtures/eval/fid-inception-keys.json");

  @Test
  void pool3MatchesPytorchFid() {
    java.util.Set<String> keys;
    try (ProceduralSource src = ProceduralSource.fromKeysJson(KEYS, 2)) {
      keys = src.tensors().keySet();
    }
    try (NDManager m = TorchRuntime.newManager();
        SafetensorsFile g = SafetensorsFile.open(GOLDEN)) {
      FidInceptionV3 model = FidInceptionV3.load(ProceduralSource.fromKeysJson(KEYS, 2), m);
      // every checkpoint tensor but the classifier is a parameter of the tree
      assertArrayEquals(keys.stream().filter(k -> !k.startsWith("fc.")).sorted().toArray(),
          model.parameters().keySet().stream().sorted().toArray());
      long[] s = g.info("images").shape(); // [4, 256, 256, 3]
      NDArray nhwc = m.create(g.floats("images"), new Shape(s));
      NDArray pool3 = model.pool3(nhwc.transpose(0, 3, 1, 2));
      assertArrayEquals(new long[] {4, 2048}, pool3.getShape().getShape());
      float[] expected = g.floats("pool3");
      float max = 0;
      for (float v : expected) max = Math.max(max, Math.abs(v));
      Check.close("fid pool3", expected, pool3.toFloatArray(), 1e-4 * max);
    }
  }
}
