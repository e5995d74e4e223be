package org.conceptprune.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * libtorch's fused scaled-dot-product attention (flash attention on CPU, the kernel diffusers' default
 * attention processor calls), which DJL's API does not expose. We reach it through a one-function
 * TorchScript module written here as a TorchScript archive (source code plus a pickled module
 * object), loaded once and called with [B, H, T, D] tensors. If the module cannot be loaded (another
 * libtorch), callers fall back to the blocked matmul/softmax path. {@code -Dconceptprune.attention=blocked}
 * forces the fallback.
 */
final class FusedAttention {
  private static final String NAME = "sdpa";
  /** TorchScript source of the module: forward(q, k, v) = torch.scaled_dot_product_attention(q, k, v). */
  private static final String CODE = """
      class SDPA(Module):
        __parameters__ = []
        __buffers__ = []
        training : bool
        def forward(self: __torch__.SDPA,
          q: Tensor,
          k: Tensor,
          v: Tensor) -> Tensor:
          return torch.scaled_dot_product_attention(q, k, v)
      """;
  /** pickle protocol 2: __torch__.SDPA() with state {'training': False}. */
  private static final byte[] DATA = {(byte) 0x80, 2, 'c', '_', '_', 't', 'o', 'r', 'c', 'h', '_', '_', '\n', 'S', 'D', 'P', 'A',
      '\n', 'q', 0, ')', (byte) 0x81, 'q', 1, '}', 'q', 2, 'X', 8, 0, 0, 0, 't', 'r', 'a', 'i', 'n', 'i', 'n', 'g', 'q', 3,
      (byte) 0x89, 's', 'b', '.'};
  /** pickle protocol 2: the empty tuple of constants. */
  private static final byte[] CONSTANTS = {(byte) 0x80, 2, ')', 'q', 0, '.'};

  private static PtSymbolBlock block;
  private static PtNDManager owner;
  private static boolean unavailable = "blocked".equals(System.getProperty("conceptprune.attention"));

  private FusedAttention() {}

  /** @return softmax(q k^T / sqrt(d)) v for [B, H, T, D] inputs, or null when the fused kernel is unavailable */
  static synchronized NDArray attend(NDArray q, NDArray k, NDArray v) {
    if (unavailable) return null;
    try {
      if (block == null) load(q.getManager());
      boolean grad = JniUtils.isGradMode();
      NDArray out = block.forward(new ParameterStore(q.getManager(), false), new NDList(q, k, v), grad).singletonOrThrow();
      out.attach(q.getManager());
      return out;
    } catch (RuntimeException | IOException e) {
      unavailable = true;
      System.err.println("warning: fused attention unavailable (" + e.getMessage() + "); using blocked attention");
      return null;
    }
  }

  private static void load(NDManager like) throws IOException {
    Path file = Files.createTempFile("conceptprune-sdpa-", ".pt");
    try {
      writeArchive(file);
      owner = (PtNDManager) NDManager.newBaseManager(like.getDevice());
      block = JniUtils.loadModule(owner, file, false, new String[0], new String[0], false);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** A TorchScript archive: NAME/{data.pkl, code/__torch__.py, constants.pkl, version}, stored. */
  static void writeArchive(Path file) throws IOException {
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
      z.setMethod(ZipOutputStream.STORED);
      put(z, NAME + "/data.pkl", DATA);
      put(z, NAME + "/code/__torch__.py", CODE.getBytes(StandardCharsets.UTF_8));
      put(z, NAME + "/constants.pkl", CONSTANTS);
      put(z, NAME + "/version", "3\n".getBytes(StandardCharsets.UTF_8));
      put(z, NAME + "/byteorder", "little".getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void put(ZipOutputStream z, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    e.setCrc(crc.getValue());
    z.putNextEntry(e);
    z.write(data);
    z.closeEntry();
  }
}
