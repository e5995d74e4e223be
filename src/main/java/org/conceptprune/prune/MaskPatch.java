package org.conceptprune.prune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.TensorCodec;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.util.UserError;

/**
 * A mask patch file: the masks of one erasure, small enough to ship instead of a pruned model.
 *
 * <p>Format (safetensors), per layer:
 * <ul>
 *   <li>{@code <layer>.mask_bits} U8 [ceil(out*in/8)]: packed bits of the row-major [out, in] mask;
 *       flat index p = i * in + j sits at byte p / 8, bit p % 8 counted from the least significant
 *       bit (numpy {@code packbits(m.ravel(), bitorder="little")}); 1 = pruned; pad bits are 0.
 *   <li>{@code <layer>.mask_shape} I64 [2] = [out, in].
 * </ul>
 * {@code __metadata__}: {@code format} = {@value #FORMAT}, plus what the caller gives, by convention
 * {@value #BASE_MODEL_HASH} (content hash of the base model the masks apply to) and
 * {@value #SETTINGS} (a JSON string: concept, k, t̂, rho, variant, ...; built by {@link Settings}).
 */
public record MaskPatch(MaskSet masks, Map<String, String> metadata) {
  public static final String FORMAT = "conceptprune-mask-patch/1";
  public static final String FORMAT_KEY = "format";
  public static final String BASE_MODEL_HASH = "base_model_hash";
  public static final String SETTINGS = "settings";
  static final String BITS = ".mask_bits";
  static final String SHAPE = ".mask_shape";

  public static void write(Path file, MaskSet masks, Map<String, String> meta) {
    SafetensorsWriter w = new SafetensorsWriter().metadata(meta).metadata(FORMAT_KEY, FORMAT);
    masks.asMap().forEach((layer, m) -> {
      byte[] bits = m.toPackedBits();
      w.addBytes(layer + BITS, DType.U8, new long[] {bits.length}, bits);
      w.addLongs(layer + SHAPE, new long[] {2}, new long[] {m.out(), m.in()});
    });
    w.write(file);
  }

  /** A patch with the conventional metadata: the base model's hash and the settings that made the masks. */
  public static void write(Path file, MaskSet masks, String baseModelHash, Settings settings) {
    write(file, masks, Map.of(BASE_MODEL_HASH, baseModelHash, SETTINGS, settings.toJson()));
  }

  /** Whether {@code file} is a .safetensors file whose {@value #FORMAT_KEY} says it is a mask patch. */
  public static boolean isPatch(Path file) {
    if (!Files.isRegularFile(file) || !file.getFileName().toString().endsWith(".safetensors")) return false;
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      return FORMAT.equals(f.metadata().get(FORMAT_KEY));
    }
  }

  /** Reads and validates a patch; every problem is a {@link UserError} naming file and tensor. */
  public static MaskPatch read(Path file) {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      String format = f.metadata().get(FORMAT_KEY);
      if (!FORMAT.equals(format)) {
        throw new UserError(file + ": not a mask patch (__metadata__ format is " + format + ", expected " + FORMAT + ")");
      }
      Map<String, TensorInfo> bitsByLayer = new TreeMap<>();
      Map<String, TensorInfo> shapeByLayer = new TreeMap<>();
      for (TensorInfo t : f.tensors().values()) {
        String n = t.name();
        if (n.endsWith(BITS)) bitsByLayer.put(n.substring(0, n.length() - BITS.length()), t);
        else if (n.endsWith(SHAPE)) shapeByLayer.put(n.substring(0, n.length() - SHAPE.length()), t);
        else throw bad(file, n, "unexpected tensor (expected <layer>" + BITS + " / <layer>" + SHAPE + ")");
      }
      MaskSet masks = new MaskSet();
      for (String layer : shapeByLayer.keySet()) {
        if (!bitsByLayer.containsKey(layer)) throw bad(file, layer + SHAPE, "has no " + layer + BITS);
      }
      for (Map.Entry<String, TensorInfo> e : bitsByLayer.entrySet()) {
        String layer = e.getKey();
        TensorInfo bits = e.getValue();
        TensorInfo shape = shapeByLayer.get(layer);
        if (shape == null) throw bad(file, bits.name(), "has no " + layer + SHAPE);
        if (shape.dtype() != DType.I64 || shape.shape().length != 1 || shape.shape()[0] != 2) {
          throw bad(file, shape.name(), "must be I64 [2] = [out, in], is " + shape.dtype() + " " + shape.shapeString());
        }
        long[] s = f.longs(shape.name());
        if (s[0] < 0 || s[1] < 0 || s[0] * s[1] > Integer.MAX_VALUE) {
          throw bad(file, shape.name(), "bad mask shape [" + s[0] + ", " + s[1] + "]");
        }
        int out = (int) s[0];
        int in = (int) s[1];
        long need = LayerMask.packedLength(out * in);
        if (bits.dtype() != DType.U8 || bits.shape().length != 1 || bits.shape()[0] != need) {
          throw bad(file, bits.name(), "must be U8 [" + need + "] (packed bits of [" + out + ", " + in
              + "]), is " + bits.dtype() + " " + bits.shapeString());
        }
        try {
          masks.put(layer, LayerMask.fromPackedBits(out, in, TensorCodec.toBytes(f.bytes(bits.name()))));
        } catch (IllegalArgumentException ex) {
          throw bad(file, bits.name(), ex.getMessage());
        }
      }
      Map<String, String> meta = new TreeMap<>(f.metadata());
      return new MaskPatch(masks, meta);
    }
  }

  /**
   * The one "made for this base model?" check: whether the patch records this content hash as its base
   * model (or one of {@code alsoAccepted}), or records none.
   */
  public boolean madeFor(String modelHash, String... alsoAccepted) {
    String want = metadata.get(BASE_MODEL_HASH);
    return want == null || want.equals(modelHash) || java.util.Arrays.asList(alsoAccepted).contains(want);
  }

  /**
   * Refuses a patch made for another base model: its {@value #BASE_MODEL_HASH}, when it has one, must be
   * {@code modelHash} or one of {@code alsoAccepted} (e.g. the base hash a pruned model records).
   *
   * @param option how the patch was given ("--mask"), for the message
   */
  public void requireMadeFor(String option, Path file, Path model, String modelHash, String... alsoAccepted) {
    if (madeFor(modelHash, alsoAccepted)) return;
    String want = metadata.get(BASE_MODEL_HASH);
    throw new UserError(option + " " + file + " was made for another base model (hash " + want.substring(0, 12) + "..., "
        + model + " is " + modelHash.substring(0, 12) + "...)");
  }

  private static UserError bad(Path file, String tensor, String what) {
    return new UserError(file + ": mask patch tensor '" + tensor + "': " + what);
  }

  /**
   * A patch's {@value #SETTINGS}: every setting that changes its mask, one JSON object, in the order
   * the calls put them. {@code prune}, {@code mask} and {@code toy masks} all build it here, so a key
   * means one thing everywhere: t̂ is {@code timesteps}, the method's own settings are its
   * {@link ErasureMethod#settings}, a multi-concept erasure lists each concept under {@code concepts}.
   */
  public static final class Settings {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode json = JSON.createObjectNode();

    /** The erased concept's name (a patch of one concept). */
    public Settings concept(String name) {
      json.put("concept", name);
      return this;
    }

    /** ConceptPrune's k (a patch of one k for all its concepts). */
    public Settings k(double k) {
      json.put("k", k);
      return this;
    }

    /** t̂: the UNet calls the statistics recorded. */
    public Settings timesteps(int tHat) {
      json.put("timesteps", tHat);
      return this;
    }

    /** The method's settings (ConceptPrune: method, rho, variant; FIA: method, r1, r2, alpha, fusion, tau). */
    public Settings method(ErasureMethod m, int concepts) {
      json.setAll((ObjectNode) JSON.valueToTree(m.settings(concepts)));
      return this;
    }

    /** A setting outside the methods' (a toy mask's variant, seed, source). */
    public Settings put(String key, String value) {
      json.put(key, value);
      return this;
    }

    /** @see #put(String, String) */
    public Settings put(String key, long value) {
      json.put(key, value);
      return this;
    }

    /**
     * One concept of the erasure, in {@code concepts}: its name, family, the method's settings for it,
     * t̂, the number of prompt pairs, its statistics pass and how many weights its own mask prunes.
     */
    public Settings addConcept(ConceptSpec c, ErasureMethod m, Map<String, String> statsSettings, long prunedWeights) {
      ArrayNode concepts = json.has("concepts") ? (ArrayNode) json.get("concepts") : json.putArray("concepts");
      ObjectNode o = concepts.addObject();
      o.put("concept", c.name());
      o.put("family", c.family().cliName);
      o.setAll((ObjectNode) JSON.valueToTree(m.conceptSettings(c)));
      o.put("timesteps", c.timesteps());
      o.put("pairs", c.prompts().target().size());
      o.set("settings", JSON.valueToTree(statsSettings));
      o.put("pruned_weights", prunedWeights);
      return this;
    }

    /** FIA: each concept's r2 (the family's, --r2-for's or --r2). */
    public Settings r2PerConcept(FiaMethod m, List<ConceptSpec> concepts) {
      ObjectNode r2 = json.putObject("r2_per_concept");
      for (ConceptSpec c : concepts) r2.put(c.name(), m.r2Of(c));
      return this;
    }

    /** The statistics files the masks came from, each with its own metadata (its pass's settings). */
    public Settings stats(List<Path> files, List<PruneStats> stats) {
      ArrayNode sl = json.putArray("stats");
      for (int i = 0; i < files.size(); i++) {
        sl.addObject().put("file", files.get(i).toString()).set("metadata", JSON.valueToTree(stats.get(i).metadata()));
      }
      return this;
    }

    /** A copy of the JSON object (for a report that adds its own keys). */
    public ObjectNode json() {
      return json.deepCopy();
    }

    public String toJson() {
      return json.toString();
    }
  }
}
