package org.conceptprune.eval.fid;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.conceptprune.eval.WeightFiles;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.util.UserError;

/** The FID Inception weights file: opening it, and a content hash that names it in feature caches. */
public final class FidWeights {
  private FidWeights() {}

  /**
   * Opens {@code W.safetensors} or pytorch-fid's {@code pt_inception-2015-12-05-6726825d.pth}. The model
   * is built from whatever {@link TensorSource} this returns, so a pickle reader plugs in here alone.
   */
  public static TensorSource open(Path file) {
    if (!Files.isRegularFile(file)) throw new UserError(file + ": no such model file");
    return WeightFiles.open(file); // pytorch-fid's pt_inception-2015-12-05-6726825d.pth, or its safetensors copy
  }

  /**
   * SHA-256 over every tensor the network uses (not the unused fc): name, shape and fp32 values in
   * sorted name order. The same weights give the same hash from a .pth or a .safetensors file.
   */
  public static String contentHash(TensorSource src) {
    MessageDigest md = sha256();
    for (TensorInfo t : src.tensors().values()) {
      if (FidInceptionV3.isUnused(t.name())) continue;
      md.update(t.name().getBytes(StandardCharsets.UTF_8));
      md.update(t.shapeString().getBytes(StandardCharsets.UTF_8));
      md.update(littleEndian(src.floats(t.name())));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static ByteBuffer littleEndian(float[] f) {
    ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(f);
    return b;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
