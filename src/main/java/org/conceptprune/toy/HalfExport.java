package org.conceptprune.toy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.toy.clip.ToyClip;
import org.conceptprune.toy.clip.ToyClipText;

/** {@code toy train --half-out}: a trained toy model folder copied with its weights in fp16 (what the jar ships). */
public final class HalfExport {
  private HalfExport() {}

  /**
   * Copies a trained folder to {@code to} with every weight file rewritten in fp16; its
   * {@value ToyModel#WORLD_FILE}, {@value ToyModel#JUDGE_DIR}/ and clip/ (fp32, as trained) come along when it has them.
   */
  public static void write(Path from, Path to) {
    try {
      if (Files.exists(from.resolve(ToyModel.WORLD_FILE))) {
        Files.createDirectories(to);
        Files.copy(from.resolve(ToyModel.WORLD_FILE), to.resolve(ToyModel.WORLD_FILE), StandardCopyOption.REPLACE_EXISTING);
      }
      for (String f : new String[] {ToyJudge.CONFIG, ToyJudge.WEIGHTS}) {
        Path src = from.resolve(ToyModel.JUDGE_DIR).resolve(f);
        if (!Files.exists(src)) continue;
        Files.createDirectories(to.resolve(ToyModel.JUDGE_DIR));
        Files.copy(src, to.resolve(ToyModel.JUDGE_DIR).resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
      Path clip = from.resolve(ToyClip.MODEL_SUBDIR);
      if (Files.isDirectory(clip)) ToyClipText.copyInto(clip, to); // the toy CLIP it was trained on (fp32, as trained)
      for (String f : ToyModel.FILES) {
        Path dst = to.resolve(f);
        Files.createDirectories(dst.getParent());
        if (!f.endsWith(".safetensors")) {
          Files.copy(from.resolve(f), dst, StandardCopyOption.REPLACE_EXISTING);
          continue;
        }
        SafetensorsFile sf = SafetensorsFile.open(from.resolve(f));
        try {
          SafetensorsWriter w = new SafetensorsWriter();
          Map<String, String> meta = sf.metadata();
          if (meta != null) w.metadata(meta);
          for (var e : sf.tensors().entrySet()) {
            float[] v = sf.floats(e.getKey());
            ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < v.length; i++) b.putShort(2 * i, DType.floatToHalf(v[i]));
            w.add(e.getKey(), DType.F16, e.getValue().shape(), b);
          }
          w.write(dst);
        } finally {
          sf.close();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
