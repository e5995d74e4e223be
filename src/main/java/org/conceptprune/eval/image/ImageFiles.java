package org.conceptprune.eval.image;

import java.awt.image.BufferedImage;
import org.conceptprune.util.UserError;
import java.util.stream.Stream;
import java.util.Locale;
import java.nio.file.Files;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.conceptprune.util.AtomicFiles;

/** PNG output of float images in [0, 1], laid out [N, H, W, 3]. */
public final class ImageFiles {
  private ImageFiles() {}

  /** One image as 8-bit RGB: round(x * 255), as diffusers' numpy_to_pil does. */
  public static BufferedImage toImage(float[] nhwc, int index, int h, int w) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int off = index * h * w * 3;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = off + (y * w + x) * 3;
        img.setRGB(x, y, (RgbImage.u8(nhwc[p]) << 16) | (RgbImage.u8(nhwc[p + 1]) << 8) | RgbImage.u8(nhwc[p + 2]));
      }
    }
    return img;
  }

  public static void writePng(BufferedImage img, Path file) {
    AtomicFiles.write(file, tmp -> {
      if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer");
    });
  }

  /**
   * Writes N images: to {@code out} itself when it ends in .png and N = 1, else as
   * {@code out/image-000.png}, ... @return the files written
   */
  public static List<Path> writeAll(float[] nhwc, int n, int h, int w, Path out) {
    List<Path> files = new ArrayList<>();
    boolean single = out.getFileName().toString().toLowerCase().endsWith(".png");
    for (int i = 0; i < n; i++) {
      Path f;
      if (single && n == 1) {
        f = out;
      } else if (single) {
        String base = out.getFileName().toString();
        f = out.resolveSibling(base.substring(0, base.length() - 4) + String.format("-%03d.png", i));
      } else {
        f = out.resolve(String.format("image-%03d.png", i));
      }
      writePng(toImage(nhwc, i, h, w), f);
      files.add(f);
    }
    return files;
  }

  /** pytorch-fid's IMAGE_EXTENSIONS that this program can decode. */
  public static final List<String> EXTENSIONS = List.of("png", "jpg", "jpeg", "bmp");

  /** The decodable image files of a folder, sorted by name (pytorch-fid sorts its glob). */
  public static List<Path> listImages(Path dir) {
    if (!Files.isDirectory(dir)) throw new UserError(dir + ": no such folder");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).filter(ImageFiles::isImage).sorted().toList();
    } catch (IOException e) {
      throw new UserError(dir + ": cannot list (" + e.getMessage() + ")", e);
    }
    if (files.isEmpty()) throw new UserError(dir + ": no image files (" + String.join(", ", EXTENSIONS) + ")");
    return files;
  }

  private static boolean isImage(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1));
  }
}
