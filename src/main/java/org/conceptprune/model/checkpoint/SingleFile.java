package org.conceptprune.model.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.checkpoint.SdArch;
import org.conceptprune.model.checkpoint.SingleFileLayout.Link;
import org.conceptprune.model.checkpoint.SingleFileLayout.Transform;
import org.conceptprune.io.pickle.PickleCheckpoint;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.model.unet.UNet2DConditionConfig;
import org.conceptprune.util.UserError;

/**
 * Single-file Stable Diffusion checkpoints (A1111 / ComfyUI {@code .safetensors}, or the original
 * {@code .ckpt} PyTorch pickles, read without running code) read as diffusers components and written
 * back (always as {@code .safetensors}). The names come from {@link SingleFileLayout}.
 *
 * <pre>
 * try (TensorSource file = SafetensorsFile.open(path)) {
 *   SdArch arch = SingleFile.detect(file);
 *   UNet2DConditionConfig cfg = SingleFileConfigs.defaultUnetFor(file, arch); // or --config DIR
 *   TensorSource unet = SingleFile.component(file, arch, Component.UNET, cfg); // diffusers names
 * }
 * </pre>
 */
public final class SingleFile {
  private static final int MAX_LISTED = 30;

  private SingleFile() {}

  /** Whether {@code p} names a single-file checkpoint: {@code .safetensors} or a PyTorch pickle ({@code .ckpt .pt .pth .bin}). */
  public static boolean isSingleFile(Path p) {
    return p.getFileName().toString().endsWith(".safetensors") || PickleCheckpoint.isPickle(p);
  }

  /** Opens a single tensor file by its extension: a PyTorch pickle, else safetensors. */
  public static TensorSource open(Path file) {
    return PickleCheckpoint.isPickle(file) ? PickleCheckpoint.open(file) : SafetensorsFile.open(file);
  }

  /** The architecture of a single file, from its text encoder prefixes (or, UNet-only, its context width). */
  public static SdArch detect(TensorSource src) {
    boolean sd1 = false;
    boolean sd2 = false;
    boolean xl = false;
    for (String k : src.names()) {
      if (k.startsWith("conditioner.embedders.1.")) xl = true;
      else if (k.startsWith("conditioner.embedders.0.model.")) {
        throw new UserError(src.describe() + ": looks like an SDXL refiner (OpenCLIP-only conditioner); not supported");
      } else if (k.startsWith("cond_stage_model.model.")) sd2 = true;
      else if (k.startsWith("cond_stage_model.transformer.")) sd1 = true;
    }
    if (xl) return SdArch.SDXL;
    if (sd2) return SdArch.SD2;
    if (sd1) return SdArch.SD1;
    int ctx = SingleFileProbe.contextDim(src);
    return switch (ctx) {
      case 768 -> SdArch.SD1;
      case 1024 -> SdArch.SD2;
      case 2048 -> SdArch.SDXL;
      default -> throw new UserError(src.describe() + ": not a Stable Diffusion single-file checkpoint "
          + "(no cond_stage_model / conditioner text encoder, and no UNet cross-attention of width 768, "
          + "1024 or 2048" + (ctx > 0 ? "; found " + ctx : "") + ")");
    };
  }

  /** One component under diffusers names; the architecture is detected. */
  static TensorSource component(TensorSource src, Component c, UNet2DConditionConfig unet) {
    return component(src, detect(src), c, unet);
  }

  /**
   * One component under diffusers names, lazily.
   * Every tensor of the file must have a diffusers name or be a known ignorable; otherwise this fails
   * with the list. The view borrows {@code src}: close {@code src}, not the view.
   */
  public static TensorSource component(TensorSource src, SdArch arch, Component c, UNet2DConditionConfig unet) {
    if (!arch.components.contains(c)) throw new UserError(arch + " checkpoints have no " + c);
    return components(src, arch, unet).get(c);
  }

  /** Every component of the file, in {@link SdArch#components} order. */
  static Map<Component, TensorSource> components(TensorSource src, SdArch arch, UNet2DConditionConfig unet) {
    SingleFileLayout layout = layoutFor(src, arch, unet);
    Map<Component, Map<String, Link>> links = new EnumMap<>(Component.class);
    for (Component c : arch.components) links.put(c, new TreeMap<>());
    List<String> unmapped = new ArrayList<>();
    for (String k : src.names()) {
      if (SingleFileLayout.ignorable(k) || layout.dropped(k)) continue;
      List<Link> ls = layout.toDiffusers(k);
      if (ls.isEmpty()) unmapped.add(k + " " + src.info(k).shapeString());
      for (Link l : ls) {
        Link prev = links.get(l.component()).put(l.diffusers(), l);
        if (prev != null) {
          throw new UserError(src.describe() + ": '" + prev.original() + "' and '" + k + "' both map to "
              + l.component().diffusersName + " '" + l.diffusers() + "'");
        }
      }
    }
    if (!unmapped.isEmpty()) {
      throw new UserError(src.describe() + ": " + unmapped.size() + " tensor(s) have no diffusers name in an "
          + arch + " checkpoint with this UNet config (a different architecture, or a config that does not "
          + "match the file? pass --config DIR):\n  " + list(unmapped));
    }
    Map<Component, TensorSource> out = new LinkedHashMap<>();
    for (Component c : arch.components) out.put(c, new SingleFileView(src, c, links.get(c)));
    return out;
  }

  /** Writes diffusers components as one single-file checkpoint; see the five-argument form. */
  public static void write(Path out, Map<Component, TensorSource> components, UNet2DConditionConfig unet, SdArch arch) {
    write(out, components, unet, arch, null);
  }

  /**
   * Writes diffusers components (under diffusers names) as one {@code .safetensors} with the original names: fused in_proj re-concatenated, VAE
   * attention back to 1x1 convs, text_projection transposed back. Streams tensor by tensor, to a
   * temporary file renamed at the end.
   *
   * @param original the single file the components came from, or null. Its tensors that the written
   *     components do not replace are copied as they are: components not given, SD-2's dropped 24th
   *     text layer and text_projection, position_ids and the schedule buffers. EMA weights are left
   *     out: they would no longer match the edited model.
   */
  public static void write(Path out, Map<Component, TensorSource> components, UNet2DConditionConfig unet,
      SdArch arch, TensorSource original) {
    TensorSource vae = components.get(Component.VAE);
    int[] vaeShape = vae != null ? SingleFileProbe.vaeShape(vae.names(), false)
        : original != null ? SingleFileProbe.vaeShape(original.names(), true) : new int[] {4, 2};
    SingleFileLayout layout = SingleFileLayout.of(arch, unet, vaeShape[0], vaeShape[1]);
    SafetensorsWriter w = new SafetensorsWriter();
    Set<String> written = new HashSet<>();
    Set<Component> given = components.keySet();
    List<String> unmapped = new ArrayList<>();
    for (Map.Entry<Component, TensorSource> e : components.entrySet()) {
      Component c = e.getKey();
      if (!arch.components.contains(c)) throw new UserError(arch + " checkpoints have no " + c.diffusersName);
      TensorSource src = e.getValue();
      Map<String, Link[]> fused = new TreeMap<>();
      for (String k : src.names()) {
        if (k.endsWith(".position_ids")) continue; // a buffer transformers rebuilds
        Link l = layout.toOriginal(c, k);
        if (l == null) {
          unmapped.add(c.diffusersName + ": " + k + " " + src.info(k).shapeString());
          continue;
        }
        if (l.transform() == Transform.SPLIT_QKV) {
          fused.computeIfAbsent(l.original(), x -> new Link[3])[l.part()] = l;
          continue;
        }
        add(w, src, l);
        written.add(l.original());
      }
      for (Map.Entry<String, Link[]> f : fused.entrySet()) {
        addFused(w, src, f.getKey(), f.getValue());
        written.add(f.getKey());
      }
    }
    if (!unmapped.isEmpty()) {
      throw new UserError("cannot write " + out + ": " + unmapped.size() + " tensor(s) have no single-file name in an "
          + arch + " checkpoint with this UNet config:\n  " + list(unmapped));
    }
    if (original != null) {
      for (String k : original.names()) {
        if (written.contains(k) || k.startsWith("model_ema.")) continue;
        Component oc = layout.componentOf(k);
        boolean replaced = oc != null && given.contains(oc) && !layout.dropped(k) && !SingleFileLayout.ignorable(k);
        if (replaced) continue;
        TensorInfo t = original.info(k);
        w.add(k, t.dtype(), t.shape(), () -> original.bytes(k));
      }
    }
    w.write(out);
  }

  private static void add(SafetensorsWriter w, TensorSource src, Link l) {
    TensorInfo t = src.info(l.diffusers());
    long[] s = t.shape();
    switch (l.transform()) {
      case NONE -> w.add(l.original(), t.dtype(), s, () -> src.bytes(l.diffusers()));
      case SQUEEZE_1X1 -> {
        long[] conv = s.length == 2 ? new long[] {s[0], s[1], 1, 1} : s; // [C, C] -> [C, C, 1, 1]
        w.add(l.original(), t.dtype(), conv, () -> src.bytes(l.diffusers()));
      }
      case TRANSPOSE -> {
        if (s.length != 2) throw new UserError(src.describe() + ": '" + l.diffusers() + "' should be a matrix, is " + t.shapeString());
        w.add(l.original(), t.dtype(), new long[] {s[1], s[0]},
            () -> SingleFileView.transpose(src.bytes(l.diffusers()), (int) s[0], (int) s[1], t.dtype().size));
      }
      case SPLIT_QKV -> throw new IllegalStateException("fused tensors go through addFused");
    }
  }

  /** q, k, v [D, ...] -> in_proj [3D, ...]: the three byte blocks one after another. */
  private static void addFused(SafetensorsWriter w, TensorSource src, String original, Link[] parts) {
    TensorInfo q = null;
    for (int i = 0; i < 3; i++) {
      if (parts[i] == null) {
        throw new UserError(src.describe() + ": " + original + " needs q, k and v; the "
            + "qkv".charAt(i) + " part is missing");
      }
      TensorInfo t = src.info(parts[i].diffusers());
      if (q == null) q = t;
      else if (t.dtype() != q.dtype() || !Arrays.equals(t.shape(), q.shape())) {
        throw new UserError(src.describe() + ": q, k, v of " + original + " differ in dtype or shape");
      }
    }
    long[] s = q.shape().clone();
    s[0] *= 3;
    DType dt = q.dtype();
    w.add(original, dt, s, () -> {
      ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(3 * src.info(parts[0].diffusers()).byteLength()))
          .order(ByteOrder.LITTLE_ENDIAN);
      for (Link p : parts) all.put(src.bytes(p.diffusers()).duplicate());
      return all.flip();
    });
  }

  /** The table for a file being read: the VAE's depth comes from its names. */
  public static SingleFileLayout layoutFor(TensorSource src, SdArch arch, UNet2DConditionConfig unet) {
    int[] vae = SingleFileProbe.vaeShape(src.names(), true);
    return SingleFileLayout.of(arch, unet, vae[0], vae[1]);
  }

  private static String list(List<String> items) {
    List<String> shown = items.subList(0, Math.min(MAX_LISTED, items.size()));
    return String.join("\n  ", shown) + (items.size() > MAX_LISTED ? "\n  ... and " + (items.size() - MAX_LISTED) + " more" : "");
  }
}
