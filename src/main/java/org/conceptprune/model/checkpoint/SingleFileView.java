package org.conceptprune.model.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.model.checkpoint.SingleFileLayout.Link;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;

/**
 * One component of a single-file checkpoint under its diffusers names, without copies: a renamed or
 * squeezed tensor is the same bytes, a q/k/v part of a fused in_proj is a slice of them (the rows of
 * a row-major matrix are contiguous). Only OpenCLIP's text_projection is transposed on read.
 *
 * <p>The view borrows its source: {@link #close} leaves it open; close the source when done.
 */
final class SingleFileView implements TensorSource {
  private final TensorSource src;
  private final Component component;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, Link> links;

  SingleFileView(TensorSource src, Component component, Map<String, Link> links) {
    this.src = src;
    this.component = component;
    this.links = links;
    Map<String, TensorInfo> t = new TreeMap<>();
    for (Link l : links.values()) t.put(l.diffusers(), info(src.info(l.original()), l));
    this.tensors = Collections.unmodifiableMap(t);
  }

  /** The diffusers-side entry of a linked tensor: new name and shape, and its byte range if it has one. */
  private static TensorInfo info(TensorInfo o, Link l) {
    long[] s = o.shape();
    String name = l.diffusers();
    return switch (l.transform()) {
      case NONE -> new TensorInfo(name, o.dtype(), s, o.file(), o.begin(), o.end());
      case SQUEEZE_1X1 -> new TensorInfo(name, o.dtype(), squeeze(o), o.file(), o.begin(), o.end());
      case TRANSPOSE -> {
        if (s.length != 2) throw shapeError(o, "a matrix");
        // No byte range of the file holds the transposed matrix: file is null, bytes() builds it.
        yield new TensorInfo(name, o.dtype(), new long[] {s[1], s[0]}, null, 0, o.byteLength());
      }
      case SPLIT_QKV -> {
        if (s.length == 0 || s[0] % 3 != 0) throw shapeError(o, "a first dimension divisible by 3");
        long[] p = s.clone();
        p[0] = s[0] / 3;
        long part = o.byteLength() / 3;
        yield new TensorInfo(name, o.dtype(), p, o.file(), o.begin() + l.part() * part,
            o.begin() + (l.part() + 1) * part);
      }
    };
  }

  /** [C, C, 1, 1] or [C, C, 1] -> [C, C]; a [C, C] (already linear) stays. */
  private static long[] squeeze(TensorInfo o) {
    long[] s = o.shape();
    if (s.length == 2) return s;
    if (s.length >= 3 && s.length <= 4) {
      boolean unit = true;
      for (int i = 2; i < s.length; i++) unit &= s[i] == 1;
      if (unit) return new long[] {s[0], s[1]};
    }
    throw shapeError(o, "a 1x1 convolution [C, C, 1, 1]");
  }

  private static IllegalStateException shapeError(TensorInfo o, String expected) {
    return new IllegalStateException(o.file() + ": tensor '" + o.name() + "' has shape "
        + o.shapeString() + ", expected " + expected);
  }

  @Override
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  @Override
  public Map<String, String> metadata() {
    return src.metadata();
  }

  @Override
  public String describe() {
    return src.describe() + " [" + component.diffusersName + "]";
  }

  @Override
  public ByteBuffer bytes(String name) {
    Link l = links.get(name);
    if (l == null) throw new IllegalArgumentException("no tensor '" + name + "' in " + describe());
    ByteBuffer b = src.bytes(l.original());
    return switch (l.transform()) {
      case NONE, SQUEEZE_1X1 -> b;
      case SPLIT_QKV -> {
        int part = b.remaining() / 3;
        yield b.slice(b.position() + l.part() * part, part).order(ByteOrder.LITTLE_ENDIAN);
      }
      case TRANSPOSE -> {
        TensorInfo o = src.info(l.original());
        yield transpose(b, (int) o.shape()[0], (int) o.shape()[1], o.dtype().size);
      }
    };
  }

  /** [rows, cols] -> [cols, rows], element by element of {@code size} bytes, into a heap buffer. */
  static ByteBuffer transpose(ByteBuffer in, int rows, int cols, int size) {
    byte[] out = new byte[rows * cols * size];
    int base = in.position();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int from = base + (r * cols + c) * size;
        int to = (c * rows + r) * size;
        for (int k = 0; k < size; k++) out[to + k] = in.get(from + k);
      }
    }
    return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public void close() {
    // borrowed source: its owner closes it
  }
}
