package org.conceptprune.prune;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.model.checkpoint.SingleFile;
import org.conceptprune.model.checkpoint.SingleFileLayout;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.UserError;

/**
 * Writes a pruned copy of a checkpoint, never touching the input: every safetensors file is rewritten
 * tensor by tensor under the same name, the masked weights zeroed in their own dtype (F32/F16/BF16:
 * zero and every kept value round-trip exactly), all other bytes copied as they are. Tensors stream
 * from the input's memory map one at a time (each map freed once written), so no copy of the model
 * is ever in memory. A diffusers folder is built in a temporary sibling folder and renamed into
 * place at the end.
 */
public final class PrunedWriter {
  private PrunedWriter() {}

  /** Changes the values of one masked layer's weight (in place), e.g. zeroing the masked entries. */
  @FunctionalInterface
  public interface Edit {
    void apply(String layer, LayerMask mask, float[] weight);
  }

  /** W <- W ⊙ (1 - M): the pruning edit. */
  public static final Edit ZERO = (layer, mask, w) -> mask.applyTo(w);

  /**
   * Copies a diffusers folder to {@code dst}, rewriting one component's safetensors (the UNet, or the
   * text encoder for the text-fc2 site) with {@code edit} applied to its masked layers.
   *
   * @param masks layer path (e.g. "...ff.net.2") -> mask of its weight
   */
  public static void writeFolder(Path src, Path dst, Component component, MaskSet masks, Edit edit,
      Map<String, String> metadata, boolean overwrite) {
    OutputPaths.inputs().add("the input model", src).check("the output", dst, overwrite);
    Function<String, String> layerOf = k -> k.endsWith(".weight") ? k.substring(0, k.length() - ".weight".length()) : null;
    Path weights = src.resolve(component.diffusersName);
    List<Path> files;
    try (var s = Files.list(weights)) {
      files = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
    } catch (IOException e) {
      throw new UserError("cannot read " + weights + " (" + e.getMessage() + ")", e);
    }
    // Every masked layer must have its weight in the component: checked before anything is written.
    checkAllApplied(masks, layersIn(files, masks, layerOf), weights.toString());
    AtomicFiles.writeFolder(dst, tmp -> {
      copyTree(src, tmp, p -> p.startsWith(weights) && p.toString().endsWith(".safetensors"));
      for (Path f : files) rewrite(f, tmp.resolve(component.diffusersName).resolve(f.getFileName()), masks, edit, layerOf, metadata);
    });
  }

  /**
   * Rewrites one tensor file (safetensors, or a PyTorch pickle's tensors) as safetensors with masked tensors zeroed.
   *
   * @param layerOf maps a tensor key of this file to the layer path (diffusers names, e.g.
   *     "...ff.net.2") whose weight it is, or null when it is no layer weight
   * @return the layers whose masks were applied
   */
  public static List<String> rewrite(Path in, Path out, MaskSet masks, Edit edit, Function<String, String> layerOf,
      Map<String, String> extraMeta) {
    List<String> applied = new ArrayList<>();
    try (TensorSource f = SingleFile.open(in)) {
      SafetensorsWriter w = new SafetensorsWriter();
      w.metadata(f.metadata());
      w.metadata(extraMeta);
      for (TensorInfo t : f.tensors().values()) {
        String layer = layerOf.apply(t.name());
        if (layer != null && masks.contains(layer)) {
          LayerMask m = masks.get(layer);
          if (t.shape().length != 2 || t.shape()[0] != m.out() || t.shape()[1] != m.in()) {
            throw new UserError(in + ": tensor '" + t.name() + "' has shape " + t.shapeString()
                + " but the mask of " + layer + " is [" + m.out() + ", " + m.in() + "]");
          }
          if (t.dtype() != DType.F32 && t.dtype() != DType.F16 && t.dtype() != DType.BF16) {
            throw new UserError(in + ": tensor '" + t.name() + "' is " + t.dtype() + "; masks apply to F32/F16/BF16 weights");
          }
          w.add(t.name(), t.dtype(), t.shape(), () -> {
            float[] v = f.floats(t.name()); // [out, in], the map released
            edit.apply(layer, m, v);
            return TensorCodec.fromFloats(v, t.dtype());
          });
          applied.add(layer);
        } else {
          w.addReleased(t.name(), t.dtype(), t.shape(), () -> f.bytes(t.name()));
        }
      }
      w.write(out);
    }
    return applied;
  }

  /**
   * Rewrites a single-file checkpoint (original key names) with the masks of one component's layers applied.
   *
   * @param layout the key conversion of this file (original key -> diffusers key)
   */
  public static void writeSingleFile(Path src, Path dst, Component comp, MaskSet masks, Edit edit,
      SingleFileLayout layout, Map<String, String> metadata, boolean overwrite) {
    OutputPaths.inputs().add("the input model", src).check("the output", dst, overwrite);
    Function<String, String> layerOf = key -> {
      for (var link : layout.toDiffusers(key)) {
        if (link.component() == comp && link.diffusers().endsWith(".weight")) {
          return link.diffusers().substring(0, link.diffusers().length() - ".weight".length());
        }
      }
      return null;
    };
    checkAllApplied(masks, layersIn(List.of(src), masks, layerOf), src.toString());
    rewrite(src, dst, masks, edit, layerOf, metadata);
  }

  /** The masked layers whose weights the files hold (read from the headers alone). */
  static List<String> layersIn(List<Path> files, MaskSet masks, Function<String, String> layerOf) {
    List<String> found = new ArrayList<>();
    for (Path f : files) {
      try (TensorSource sf = SingleFile.open(f)) {
        for (String k : sf.names()) {
          String layer = layerOf.apply(k);
          if (layer != null && masks.contains(layer)) found.add(layer);
        }
      }
    }
    return found;
  }

  static void checkAllApplied(MaskSet masks, List<String> applied, String where) {
    List<String> missing = new ArrayList<>(masks.layers());
    missing.removeAll(applied);
    if (!missing.isEmpty()) throw new UserError(where + " has no weight for masked layers " + missing);
  }

  static void copyTree(Path src, Path dst, java.util.function.Predicate<Path> skip) throws IOException {
    Files.walkFileTree(src, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
        Files.createDirectories(dst.resolve(src.relativize(d).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
        if (!skip.test(f)) Files.copy(f, dst.resolve(src.relativize(f).toString()), StandardCopyOption.REPLACE_EXISTING);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
