package org.conceptprune.toy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Image helpers for the toy world: CHW floats to PNG, and grids of samples. */
public final class ToyImages {
  private ToyImages() {}

  /**
   * Writes images (each CHW floats in [0,1], size x size) as a grid with {@code cols} columns, every
   * pixel scaled up by {@code scale}, 2 px white gutters.
   */
  public static void writeGrid(List<float[]> images, int size, int cols, int scale, Path png) {
    int rows = (images.size() + cols - 1) / cols;
    int cell = size * scale + 2;
    BufferedImage img = new BufferedImage(cols * cell + 2, rows * cell + 2, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) img.setRGB(x, y, 0xFFFFFF);
    int hw = size * size;
    for (int k = 0; k < images.size(); k++) {
      float[] im = images.get(k);
      int ox = 2 + (k % cols) * cell;
      int oy = 2 + (k / cols) * cell;
      for (int y = 0; y < size * scale; y++) {
        for (int x = 0; x < size * scale; x++) {
          int i = (y / scale) * size + (x / scale);
          int r = to8(im[i]);
          int g = to8(im[hw + i]);
          int b = to8(im[2 * hw + i]);
          img.setRGB(ox + x, oy + y, (r << 16) | (g << 8) | b);
        }
      }
    }
    try {
      if (png.getParent() != null) Files.createDirectories(png.getParent());
      ImageIO.write(img, "png", png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int to8(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255f)));
  }

  /** The classic world's grid ({@link #writeWorldGrid(World, long, int, Path)}). */
  static void writeWorldGrid(long seed, int scale, Path png) {
    writeWorldGrid(World.classic(), seed, scale, png);
  }

  /** A grid with one row per style and one column per object (held-out pairs included). */
  public static void writeWorldGrid(World w, long seed, int scale, Path png) {
    java.util.ArrayList<float[]> ims = new java.util.ArrayList<>();
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    for (int s = 0; s < w.numStyles(); s++) {
      for (int o = 0; o < w.numObjects(); o++) ims.add(ToyRenderer.render(w, o, s, rng));
    }
    writeGrid(ims, ToyWorld.SIZE, w.numObjects(), scale, png);
  }
}
