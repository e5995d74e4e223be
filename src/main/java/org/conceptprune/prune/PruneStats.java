package org.conceptprune.prune;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.conceptprune.io.safetensors.DType;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.io.safetensors.SafetensorsWriter;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.util.UserError;

/**
 * The cached calibration statistics (ALGORITHM.md §3): per layer and UNet call t, the column sums
 * of squares of the layer's input, for the target prompts P* and the reference prompts P. Masks for
 * any k, t̂ <= calls and rho are derived from them without running the UNet again.
 *
 * <p>File format (safetensors): {@code target.<layer>} and {@code reference.<layer>}, F32 [calls, in],
 * row t = call t; {@code __metadata__} free-form (model hash, prompts, sampler, ...). A pass that
 * recorded per-prompt sums (FIA) adds {@code prompt_target.<layer>} and {@code prompt_reference.<layer>},
 * F32 [runs, calls, in]: run r = n·P + i is pair i from latent n (metadata {@code latent_seeds}).
 */
public final class PruneStats {
  /** sumsq of one layer: target and reference, each [calls, in] row-major. */
  public record Layer(int calls, int in, float[] target, float[] reference) {
    public Layer {
      if ((long) calls * in != target.length || target.length != reference.length) {
        throw new IllegalArgumentException("statistics of " + target.length + " / " + reference.length
            + " values are not [" + calls + ", " + in + "]");
      }
    }
  }

  /**
   * Per-prompt sums of one layer: run r's target and reference prompt, each [runs, calls, in]
   * row-major, Σ over both guidance halves and all tokens of the token-normalised rows squared.
   */
  public record PerPrompt(int runs, int calls, int in, float[] target, float[] reference) {
    public PerPrompt {
      if ((long) runs * calls * in != target.length || target.length != reference.length) {
        throw new IllegalArgumentException("per-prompt statistics of " + target.length + " / " + reference.length
            + " values are not [" + runs + ", " + calls + ", " + in + "]");
      }
    }

    /** Column norms sqrt(sumsq) of run r at call t, target or reference: [in]. */
    public double[] norms(boolean ofTarget, int r, int t) {
      float[] v = ofTarget ? target : reference;
      double[] out = new double[in];
      int off = (r * calls + t) * in;
      for (int j = 0; j < in; j++) out[j] = Math.sqrt(v[off + j]);
      return out;
    }
  }

  public static final String TARGET = "target.";
  public static final String REFERENCE = "reference.";
  public static final String PROMPT_TARGET = "prompt_target.";
  public static final String PROMPT_REFERENCE = "prompt_reference.";

  private final Map<String, Layer> layers = new TreeMap<>();
  private final Map<String, PerPrompt> perPrompt = new TreeMap<>();
  private final Map<String, String> metadata = new TreeMap<>();

  public PruneStats put(String layer, Layer stats) {
    layers.put(layer, stats);
    return this;
  }

  public Layer layer(String name) {
    Layer l = layers.get(name);
    if (l == null) throw new IllegalArgumentException("no statistics for layer " + name);
    return l;
  }

  public PruneStats putPerPrompt(String layer, PerPrompt stats) {
    perPrompt.put(layer, stats);
    return this;
  }

  /** True when the pass recorded every prompt's own sums (for every layer). */
  public boolean hasPerPrompt() {
    return !perPrompt.isEmpty() && perPrompt.keySet().equals(layers.keySet());
  }

  public PerPrompt perPrompt(String name) {
    PerPrompt p = perPrompt.get(name);
    if (p == null) throw new UserError("the statistics hold no per-prompt sums for layer " + name
        + "; FIA needs them: recompute with prune/stats --method fia");
    return p;
  }

  public Set<String> layers() {
    return Collections.unmodifiableSet(layers.keySet());
  }

  /** Adds provenance (model hash, prompts, sampler, ...) written with the statistics. */
  public PruneStats putMetadata(Map<String, String> meta) {
    metadata.putAll(meta);
    return this;
  }

  public Map<String, String> metadata() {
    return Collections.unmodifiableMap(metadata);
  }

  public void write(Path file, Map<String, String> meta) {
    SafetensorsWriter w = new SafetensorsWriter().metadata(meta);
    layers.forEach((name, l) -> {
      long[] shape = {l.calls(), l.in()};
      w.addFloats(TARGET + name, shape, l.target());
      w.addFloats(REFERENCE + name, shape, l.reference());
    });
    perPrompt.forEach((name, p) -> {
      long[] shape = {p.runs(), p.calls(), p.in()};
      w.addFloats(PROMPT_TARGET + name, shape, p.target());
      w.addFloats(PROMPT_REFERENCE + name, shape, p.reference());
    });
    w.write(file);
  }

  /** Reads and validates: every target has its reference of the same F32 [calls, in], finite, >= 0. */
  public static PruneStats read(Path file) {
    PruneStats s = new PruneStats();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      s.metadata.putAll(f.metadata());
      for (String n : f.names()) {
        if (n.startsWith(PROMPT_TARGET) || n.startsWith(PROMPT_REFERENCE)) {
          readPerPrompt(f, file, n, s);
          continue;
        }
        if (!n.startsWith(TARGET) && !n.startsWith(REFERENCE)) {
          throw bad(file, n, "unexpected tensor (expected target.<layer> / reference.<layer>, or their prompt_ forms)");
        }
        String layer = n.substring(n.indexOf('.') + 1);
        String other = (n.startsWith(TARGET) ? REFERENCE : TARGET) + layer;
        if (!f.tensors().containsKey(other)) throw bad(file, n, "has no matching '" + other + "'");
        if (n.startsWith(REFERENCE)) continue;
        TensorInfo t = f.info(n);
        TensorInfo r = f.info(other);
        for (TensorInfo x : List.of(t, r)) {
          if (x.dtype() != DType.F32 || x.shape().length != 2) {
            throw bad(file, x.name(), "must be F32 [calls, in], is " + x.dtype() + " " + x.shapeString());
          }
        }
        if (t.shape()[0] != r.shape()[0] || t.shape()[1] != r.shape()[1]) {
          throw bad(file, other, "shape " + r.shapeString() + " differs from " + n + " " + t.shapeString());
        }
        int[] shape = t.intShape();
        s.put(layer, new Layer(shape[0], shape[1], checked(file, n, f.floats(n)),
            checked(file, other, f.floats(other))));
      }
    }
    return s;
  }

  private static void readPerPrompt(SafetensorsFile f, Path file, String n, PruneStats s) {
    if (n.startsWith(PROMPT_REFERENCE)) {
      String t = PROMPT_TARGET + n.substring(PROMPT_REFERENCE.length());
      if (!f.tensors().containsKey(t)) throw bad(file, n, "has no matching '" + t + "'");
      return;
    }
    String layer = n.substring(PROMPT_TARGET.length());
    String other = PROMPT_REFERENCE + layer;
    if (!f.tensors().containsKey(other)) throw bad(file, n, "has no matching '" + other + "'");
    TensorInfo t = f.info(n);
    TensorInfo r = f.info(other);
    for (TensorInfo x : List.of(t, r)) {
      if (x.dtype() != DType.F32 || x.shape().length != 3) {
        throw bad(file, x.name(), "must be F32 [runs, calls, in], is " + x.dtype() + " " + x.shapeString());
      }
    }
    if (!java.util.Arrays.equals(t.shape(), r.shape())) {
      throw bad(file, other, "shape " + r.shapeString() + " differs from " + n + " " + t.shapeString());
    }
    int[] shape = t.intShape();
    s.putPerPrompt(layer, new PerPrompt(shape[0], shape[1], shape[2], checked(file, n, f.floats(n)),
        checked(file, other, f.floats(other))));
  }

  private static float[] checked(Path file, String tensor, float[] sumsq) {
    for (int p = 0; p < sumsq.length; p++) {
      if (!(sumsq[p] >= 0)) throw bad(file, tensor, "element " + p + " is " + sumsq[p] + ", a sum of squares must be >= 0");
    }
    return sumsq;
  }

  private static UserError bad(Path file, String tensor, String what) {
    return new UserError(file + ": statistics tensor '" + tensor + "': " + what);
  }

  /** The mask of one layer at call t, before any union (M_t). */
  LayerMask callMask(String layer, LayerWeight weight, int t, double k, Variant variant) {
    Layer l = layer(layer);
    checkWeight(layer, l, weight);
    if (t < 0 || t >= l.calls()) {
      throw new UserError("call " + t + " of layer " + layer + ": the statistics hold calls 0.." + (l.calls() - 1));
    }
    int in = l.in();
    return SkilledNeurons.select(weight.w(), weight.out(), in, Wanda.columnNorm(l.target(), t * in, in),
        Wanda.columnNorm(l.reference(), t * in, in), SkilledNeurons.kCount(k, in), variant);
  }

  /**
   * M_l = vote over t = 0..t̂-1 of M_{t,l} (rho = 0: the plain OR), for every layer with statistics;
   * see {@link SkilledNeurons#vote}. Weights are fetched one layer at a time.
   */
  public MaskSet maskFor(WeightSource weights, double k, int tHat, double rho, Variant variant) {
    if (tHat < 1) throw new UserError("t̂ must be >= 1, got " + tHat);
    MaskSet out = new MaskSet();
    for (Map.Entry<String, Layer> e : layers.entrySet()) {
      String name = e.getKey();
      Layer l = e.getValue();
      if (tHat > l.calls()) {
        throw new UserError("t̂ = " + tHat + " but the statistics of layer " + name + " hold only "
            + l.calls() + " UNet calls; recompute them with t̂ >= " + tHat);
      }
      LayerWeight w = weights.weight(name);
      checkWeight(name, l, w);
      int in = l.in();
      double[][] normTarget = new double[tHat][]; // [t̂][in]
      double[][] normRef = new double[tHat][];
      for (int t = 0; t < tHat; t++) {
        normTarget[t] = Wanda.columnNorm(l.target(), t * in, in);
        normRef[t] = Wanda.columnNorm(l.reference(), t * in, in);
      }
      out.put(name, SkilledNeurons.vote(w.w(), w.out(), in, normTarget, normRef,
          SkilledNeurons.kCount(k, in), variant, rho));
    }
    return out;
  }

  private static void checkWeight(String name, Layer l, LayerWeight w) {
    if (w.in() != l.in()) {
      throw new UserError("layer " + name + ": weight is [" + w.out() + ", " + w.in()
          + "] but the statistics have " + l.in() + " input columns");
    }
  }
}
