package org.conceptprune.eval.fid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.conceptprune.runtime.TorchRuntime;
import org.junit.jupiter.api.Test;

/** The pools on small hand-made maps whose results are obvious. */
class InceptionPoolsTest {
  @Test
  void averagePoolIgnoresPaddedZeros() {
    try (NDManager m = TorchRuntime.newManager()) {
      // a constant map stays constant when padded zeros are not counted (torch's count_include_pad=False)
      NDArray ones = m.ones(new Shape(1, 2, 4, 5)).mul(3f);
      float[] r = InceptionPools.avg3x3SameExcludePad(ones).toFloatArray();
      float[] expected = new float[40];
      java.util.Arrays.fill(expected, 3f);
      assertArrayEquals(expected, r, 1e-6f);
      // 3x3 map 0..8: corner (0,0) averages {0,1,3,4} = 2, edge (0,1) averages {0,1,2,3,4,5} = 2.5, centre 4
      NDArray x = m.arange(9f).reshape(1, 1, 3, 3);
      assertArrayEquals(new float[] {2f, 2.5f, 3f, 3.5f, 4f, 4.5f, 5f, 5.5f, 6f},
          InceptionPools.avg3x3SameExcludePad(x).toFloatArray(), 1e-6f);
    }
  }

  @Test
  void maxPools() {
    try (NDManager m = TorchRuntime.newManager()) {
      NDArray x = m.arange(16f).reshape(1, 1, 4, 4).neg(); // largest values at the top left
      assertArrayEquals(new float[] {0, 0, -1, -2, 0, 0, -1, -2, -4, -4, -5, -6, -8, -8, -9, -10},
          InceptionPools.max3x3Same(x).toFloatArray(), 0f);
      NDArray y = m.arange(25f).reshape(1, 1, 5, 5);
      // 3x3 stride 2, no padding: windows at rows/cols {0, 2}
      assertArrayEquals(new float[] {12, 14, 22, 24}, InceptionPools.max3x3Stride2(y).toFloatArray(), 0f);
    }
  }
}
