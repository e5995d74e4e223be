package org.conceptprune.prune;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.conceptprune.io.safetensors.Buffers;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;

/**
 * The content hash of a UNet checkpoint, independent of its file layout (diffusers folder, sharded or
 * single file, under diffusers key names): SHA-256 over every tensor's name and shape in sorted order,
 * the full fp32 values of every {@code ff.net.2.weight} (the weights a mask touches) and the first
 * 4096 fp32 values of every other tensor. A mask patch records it, and apply-mask checks it.
 */
public final class ModelHash {
  static final int SAMPLE = 4096;

  private ModelHash() {}

  public static String of(TensorSource unet) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (TensorInfo t : unet.tensors().values()) {
      md.update(t.name().getBytes(StandardCharsets.UTF_8));
      md.update(t.shapeString().getBytes(StandardCharsets.UTF_8));
      if (!t.dtype().isFloat()) continue;
      ByteBuffer raw = unet.bytes(t.name());
      long n = t.name().endsWith("ff.net.2.weight") ? t.numel() : Math.min(SAMPLE, t.numel());
      ByteBuffer head = raw.duplicate();
      head.limit((int) (n * t.dtype().size));
      TensorInfo part = new TensorInfo(t.name(), t.dtype(), new long[] {n}, t.file(), 0, n * t.dtype().size);
      float[] f = TensorCodec.toFloats(part, head);
      ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(f);
      md.update(b);
      Buffers.release(raw);
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
