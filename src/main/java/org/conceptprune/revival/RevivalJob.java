package org.conceptprune.revival;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.ModelHash;
import org.conceptprune.prune.PruneJob;
import org.conceptprune.prune.WeightSource;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.ProgressListener;
import org.conceptprune.util.UserError;

/**
 * Revival of a model on disk: reads every UNet ff.net.2 weight, finds the locations, checks every input
 * before any work, revives ({@link Revival}), and writes the model in the input's layout through
 * {@link PruneJob#writePruned} (only the locations' values change; every other tensor is copied byte for
 * byte), then {@code OUT.report.json}. Completed layers are kept in {@code OUT.revival/}, so an
 * interrupted run resumes at the next layer.
 */
public final class RevivalJob {
  /** Metadata key of the revived model's files: the settings as JSON. */
  public static final String METADATA = "conceptprune_revival";
  /** What prune writes into a pruned model's files: the content hash of the model it was pruned from. */
  static final String PRUNED_FROM = "conceptprune_base_model_hash";

  private RevivalJob() {}

  /** Target tensors (REVIVAL.md §0): 2-D, name with ".ff." and ".net.2.", ending ".weight"; keyed by layer path. */
  public static Map<String, LayerWeight> targets(TensorSource unet) {
    Map<String, LayerWeight> out = new TreeMap<>(Revival.ORDER);
    WeightSource ws = WeightSource.of(unet);
    for (TensorInfo t : unet.tensors().values()) {
      String n = t.name();
      if (isTarget(n, t.shape().length)) {
        String layer = n.substring(0, n.length() - ".weight".length());
        out.put(layer, ws.weight(layer));
      }
    }
    return out;
  }

  /** A target tensor's name and rank (REVIVAL.md §0). */
  public static boolean isTarget(String name, int rank) {
    return name.contains(".ff.") && name.contains(".net.2.") && name.endsWith(".weight") && rank == 2;
  }

  public static RevivalResult run(RevivalRequest r, RevivalListener listener) {
    long start = System.nanoTime();
    OutputPaths paths = OutputPaths.inputs().add("the input model", r.model()).add("--locations", r.locations().patch())
        .add("--sign-from", r.signFrom()).add("--config", r.config());
    paths.check("--out", r.out(), r.overwrite());
    paths.check("the report", r.report(), r.overwrite());
    paths.check("the completion cache", r.cacheDir());
    try (ModelSource src = ModelSource.open(r.model(), r.config())) {
      TensorSource unet = src.weights(Component.UNET);
      Map<String, LayerWeight> weights = targets(unet);
      if (weights.isEmpty()) throw new UserError(r.model() + ": the UNet has no ff.net.2 weight (…ff.net.2.weight), nothing to revive");
      Map<String, LayerMask> locations = locations(r.locations(), r.model(), unet, weights);
      Map<String, LayerWeight> original = null;
      if (r.signFrom() != null) {
        try (ModelSource o = ModelSource.open(r.signFrom(), r.config())) {
          WeightSource ws = WeightSource.of(o.weights(Component.UNET));
          original = new TreeMap<>();
          for (String layer : weights.keySet()) original.put(layer, ws.weight(layer));
        }
      }
      Revival.Revived revived = Revival.revive(weights, locations, original, r.settings(), new CompletionCache(r.cacheDir()),
          listener);
      MaskSet changed = new MaskSet();
      locations.forEach((layer, m) -> {
        if (m.count() > 0) changed.put(layer, m);
      });
      String settings = settingsJson(r).toString();
      try (PruneJob job = new PruneJob(src, ProgressListener.SILENT)) {
        job.writePruned(r.out(), changed, (layer, m, w) -> {
          float[] v = revived.weights().get(layer);
          for (int p = m.nextSetBit(0); p >= 0; p = m.nextSetBit(p + 1)) w[p] = v[p];
        }, Map.of(METADATA, settings), r.overwrite());
      }
      double secs = (System.nanoTime() - start) / 1e9;
      RevivalResult result = new RevivalResult(r.out(), r.report(),
          r.locations().describe(), revived.layers(), secs);
      AtomicFiles.writeString(r.report(), report(r, result).toPrettyString());
      return result;
    }
  }

  /** The candidate locations of the model's weights: zeros, a bottom-|W| set or a patch's masks. */
  public static Map<String, LayerMask> locations(Locations l, Path model, TensorSource unet, Map<String, LayerWeight> weights) {
    return switch (l.kind()) {
      case ZEROS -> zeros(model, weights);
      case BOTTOM, ROW_BOTTOM, ROW_TOP -> l.bottom(weights);
      case PATCH -> fromPatch(l.patch(), model, unet, weights);
    };
  }

  /** The exact zeros; refuses a model without any (nothing to revive: the zeros may be hidden). */
  public static Map<String, LayerMask> zeros(Object model, Map<String, LayerWeight> weights) {
    Map<String, LayerMask> z = Revival.zeros(weights);
    if (z.values().stream().mapToLong(LayerMask::count).sum() == 0) {
      throw new UserError(model + " has no exact zero in any of its " + weights.size() + " ff.net.2 weights, so there is nothing"
          + " to revive (the zeros may be hidden by a defense); give the candidate locations with --locations PATCH, or the"
          + " adaptive attacker's bottom-|W| set with --locations bottom:F (e.g. bottom:0.1)");
    }
    return z;
  }

  /** The patch's masks, for the model it was made for (its base, or the base a pruned model records). */
  public static Map<String, LayerMask> fromPatch(Path file, Path model, TensorSource unet, Map<String, LayerWeight> weights) {
    MaskPatch patch = MaskPatch.read(file);
    String recorded = unet.metadata().get(PRUNED_FROM);
    patch.requireMadeFor("--locations", file, model, ModelHash.of(unet), recorded == null ? new String[0] : new String[] {recorded});
    Map<String, LayerMask> out = new TreeMap<>(Revival.ORDER);
    for (String layer : patch.masks().layers()) {
      LayerWeight w = weights.get(layer);
      LayerMask m = patch.masks().get(layer);
      if (w == null) throw new UserError(file + " names layer '" + layer + "', which is no ff.net.2 weight of " + model);
      if (w.out() != m.out() || w.in() != m.in()) {
        throw new UserError(model + ": layer '" + layer + "' has weight [" + w.out() + ", " + w.in() + "] but the patch's mask is ["
            + m.out() + ", " + m.in() + "]");
      }
      out.put(layer, m);
    }
    if (patch.masks().overall().pruned() == 0) throw new UserError(file + " marks no weight, so there is nothing to revive");
    return out;
  }

  static ObjectNode settingsJson(RevivalRequest r) {
    ObjectNode s = new ObjectMapper().createObjectNode();
    s.put("attack", "revival (Roots Beneath the Cut)");
    s.put("locations", r.locations().describe());
    s.put("top_ratio", r.settings().topRatio());
    s.put("magnitude", r.settings().magnitude().cliName());
    s.put("seed", r.settings().seed());
    s.put("iterations", r.settings().iterations());
    s.put("tolerance", r.settings().tolerance());
    if (r.signFrom() != null) s.put("sign_from", r.signFrom().toString());
    return s;
  }

  static ObjectNode report(RevivalRequest r, RevivalResult result) {
    ObjectNode o = settingsJson(r);
    o.put("model", r.model().toString());
    o.put("output", r.out().toString());
    o.put("completion_cache", r.cacheDir().toString());
    o.put("locations_total", result.totalLocations());
    o.put("filled_total", result.totalFilled());
    o.put("wall_seconds", result.seconds());
    o.put("threads", org.conceptprune.runtime.TorchRuntime.threads());
    ArrayNode layers = o.putArray("layers");
    for (LayerReport l : result.layers()) {
      ObjectNode j = layers.addObject();
      j.put("layer", l.layer());
      j.putArray("shape").add(l.rows()).add(l.cols());
      j.put("locations", l.locations());
      j.put("dropped", l.dropped());
      j.put("filled", l.filled());
      j.put("iterations", l.iterations());
      if (Double.isFinite(l.delta())) j.put("final_delta", l.delta());
      else j.putNull("final_delta");
      j.put("seconds", l.seconds());
      j.put("empty_columns", l.emptyColumns());
      j.put("from_cache", l.cached());
      j.put("draws", l.draws());
    }
    return o;
  }
}
