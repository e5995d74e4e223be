package org.conceptprune.eval.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.UserError;
import org.w3c.dom.Node;

/** PNG files that carry their prompt, seed and settings as international text chunks (iTXt, UTF-8). */
public final class PngText {
  private static final String FORMAT = "javax_imageio_png_1.0";

  private PngText() {}

  /** Writes the picture with one iTXt chunk per entry, atomically. */
  public static void write(BufferedImage img, Map<String, String> text, Path file) {
    AtomicFiles.write(file, tmp -> {
      ImageWriter w = ImageIO.getImageWritersByFormatName("png").next();
      try (ImageOutputStream out = ImageIO.createImageOutputStream(tmp.toFile())) {
        w.setOutput(out);
        IIOMetadata meta = w.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
        IIOMetadataNode root = new IIOMetadataNode(FORMAT);
        IIOMetadataNode itxt = new IIOMetadataNode("iTXt");
        for (Map.Entry<String, String> e : text.entrySet()) {
          IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
          entry.setAttribute("keyword", e.getKey());
          entry.setAttribute("compressionFlag", "FALSE");
          entry.setAttribute("compressionMethod", "0");
          entry.setAttribute("languageTag", "");
          entry.setAttribute("translatedKeyword", "");
          entry.setAttribute("text", e.getValue());
          itxt.appendChild(entry);
        }
        root.appendChild(itxt);
        meta.mergeTree(FORMAT, root);
        w.write(new IIOImage(img, null, meta));
      } finally {
        w.dispose();
      }
    });
  }

  /** The text chunks (tEXt and iTXt) of a PNG. */
  public static Map<String, String> read(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) throw new UserError(file + ": cannot open");
      var readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) throw new UserError(file + ": not a PNG");
      ImageReader r = readers.next();
      try {
        r.setInput(in);
        Node root = r.getImageMetadata(0).getAsTree(FORMAT);
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
          if (!n.getNodeName().equals("iTXt") && !n.getNodeName().equals("tEXt")) continue;
          for (Node e = n.getFirstChild(); e != null; e = e.getNextSibling()) {
            var a = e.getAttributes();
            String value = a.getNamedItem("text") != null ? a.getNamedItem("text").getNodeValue() : a.getNamedItem("value").getNodeValue();
            out.put(a.getNamedItem("keyword").getNodeValue(), value);
          }
        }
      } finally {
        r.dispose();
      }
    } catch (IOException e) {
      throw new UserError(file + ": cannot read (" + e.getMessage() + ")", e);
    }
    return out;
  }
}
