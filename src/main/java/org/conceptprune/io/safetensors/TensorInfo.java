package org.conceptprune.io.safetensors;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor entry of a safetensors header.
 *
 * @param file the file holding it
 * @param begin absolute byte offset of the first element in the file
 * @param end absolute byte offset one past the last element
 */
public record TensorInfo(String name, DType dtype, long[] shape, Path file, long begin, long end) {
  public long numel() {
    long n = 1;
    for (long d : shape) n *= d;
    return n;
  }

  public long byteLength() {
    return end - begin;
  }

  public String shapeString() {
    return Arrays.toString(shape);
  }

  public int[] intShape() {
    int[] s = new int[shape.length];
    for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(shape[i]);
    return s;
  }
}
