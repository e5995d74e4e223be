package org.conceptprune.eval.fid;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.util.UserError;

/**
 * Images for the FID network, one at a time, as pytorch-fid's dataset yields them: [H, W, 3] floats in
 * [0, 1] (its {@code ToTensor} of PIL's {@code convert("RGB")}), any size (the network resizes).
 */
public interface ImageSet {
  /** One picture: {@code hwc[(y * width + x) * 3 + c]}. */
  record UnitImage(int height, int width, float[] hwc) {}

  int size();

  UnitImage get(int i);

  /** What the set is, for the feature file's metadata ("raw x.safetensors", "12 image files"). */
  String describe();

  /** The PNG / JPEG / BMP files, in the given order. */
  static ImageSet files(List<Path> files) {
    for (Path f : files) {
      if (!java.nio.file.Files.isRegularFile(f)) throw new UserError(f + ": no such image file");
    }
    return new ImageSet() {
      @Override
      public int size() {
        return files.size();
      }

      @Override
      public UnitImage get(int i) {
        RgbImage img = RgbImage.read(files.get(i));
        return new UnitImage(img.height(), img.width(), img.toUnitFloats());
      }

      @Override
      public String describe() {
        return files.size() + " image files";
      }
    };
  }

  /**
   * Float images in [0, 1] stored as one tensor [N, H, W, 3] (named {@code images}, or the file's only
   * tensor), read one image at a time from the file (so the tensor may exceed the 2 GiB of one map).
   */
  static ImageSet raw(SafetensorsFile src) {
    TensorInfo t = src.tensors().get("images");
    if (t == null && src.tensors().size() == 1) t = src.tensors().values().iterator().next();
    if (t == null) {
      throw new UserError(src.describe() + ": no tensor 'images' [N, H, W, 3] (found " + String.join(", ", src.names()) + ")");
    }
    long[] s = t.shape();
    if (s.length != 4 || s[3] != 3 || s[0] < 1) {
      throw new UserError(src.describe() + ": tensor '" + t.name() + "' must be [N, H, W, 3] images in [0, 1], found " + t.shapeString());
    }
    if (!t.dtype().isFloat()) {
      throw new UserError(src.describe() + ": tensor '" + t.name() + "' is " + t.dtype() + ", expected float images in [0, 1]");
    }
    TensorInfo info = t;
    int n = Math.toIntExact(s[0]);
    int h = Math.toIntExact(s[1]);
    int w = Math.toIntExact(s[2]);
    long per = (long) h * w * 3;
    return new ImageSet() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public UnitImage get(int i) {
        long bytes = per * info.dtype().size;
        ByteBuffer one = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(src.path(), StandardOpenOption.READ)) {
          long at = info.begin() + i * bytes;
          while (one.hasRemaining()) {
            if (ch.read(one, at + one.position()) < 0) throw new IOException("file ends inside image " + i);
          }
        } catch (IOException e) {
          throw new UserError(src.describe() + ": cannot read image " + i + " of '" + info.name() + "' (" + e.getMessage() + ")", e);
        }
        one.flip();
        TensorInfo part = new TensorInfo(info.name(), info.dtype(), new long[] {h, w, 3}, info.file(), 0, bytes);
        float[] v = TensorCodec.toFloats(part, one);
        checkUnitRange(v, src.describe(), info.name(), i);
        return new UnitImage(h, w, v);
      }

      @Override
      public String describe() {
        return "raw " + src.describe() + " '" + info.name() + "' " + info.shapeString() + " " + info.dtype();
      }
    };
  }

  /** Values must be in [0, 1] (pytorch-fid scales them to [-1, 1]); 0..255 data is a common mistake. */
  static void checkUnitRange(float[] v, String file, String tensor, int index) {
    for (float x : v) {
      if (!(x >= 0f && x <= 1f)) {
        throw new UserError(String.format(Locale.ROOT, "%s: tensor '%s' image %d has value %s; images must be in [0, 1]%s",
            file, tensor, index, x, x > 1 ? " (scale 0..255 data by 1/255)" : ""));
      }
    }
  }

  /** Adds one image (its size and float32 values) to an image-set hash. */
  static void hash(MessageDigest md, UnitImage img) {
    ByteBuffer dims = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(img.height()).putInt(img.width());
    md.update(dims.array());
    md.update(FidWeights.littleEndian(img.hwc()));
  }
}
