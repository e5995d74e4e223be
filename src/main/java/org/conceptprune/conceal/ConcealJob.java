package org.conceptprune.conceal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.io.safetensors.TensorSource;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.prune.PruneJob;
import org.conceptprune.revival.RevivalJob;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.OutputPaths;
import org.conceptprune.util.ProgressListener;
import org.conceptprune.util.UserError;

/**
 * {@code conceal}: a pruned model whose zeros do not say where it was cut. Reads the model (the base the
 * patch was made for, or the model pruned with it), applies the patch and the defense to its UNet
 * ff.net.2 weights, and writes the model in the input's layout (only those weights change) and
 * {@code OUT.report.json}. Every input is checked before anything is written.
 */
public final class ConcealJob {
  /** The defenses. */
  public enum Defense {
    DECOYS, NOISE, FLIP;

    public static Defense parse(String s) {
      return switch (s == null ? "" : s) {
        case "decoys" -> DECOYS;
        case "noise" -> NOISE;
        case "flip" -> FLIP;
        default -> throw new UserError("unknown defense '" + s + "' (decoys, noise or flip)");
      };
    }

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param share decoys: the concept's share of all zeros afterwards
   * @param quantile noise: the bottom quantile of each row's |W| the fill is drawn from
   */
  public record Request(Path model, Path config, Path mask, Defense defense, double share, double quantile, long seed, Path out,
      boolean overwrite) {
    public Path report() {
      return out.resolveSibling(out.getFileName() + ".report.json");
    }
  }

  public record Result(Path out, Path report, long pruned, long decoys, long changed, long exactZeros, long skippedRows, double seconds) {}

  private ConcealJob() {}

  public static Result run(Request r) {
    long start = System.nanoTime();
    if (r.defense() == Defense.DECOYS && !(r.share() > 0 && r.share() <= 1)) throw new UserError("--share must be in (0, 1], got " + r.share());
    if (r.defense() == Defense.NOISE && !(r.quantile() > 0 && r.quantile() <= 1)) {
      throw new UserError("--quantile must be in (0, 1], got " + r.quantile());
    }
    OutputPaths paths = OutputPaths.inputs().add("MODEL", r.model()).add("--mask", r.mask()).add("--config", r.config());
    paths.check("--out", r.out(), r.overwrite());
    paths.check("the report", r.report(), r.overwrite());
    try (ModelSource src = ModelSource.open(r.model(), r.config())) {
      TensorSource unet = src.weights(Component.UNET);
      Map<String, LayerWeight> weights = RevivalJob.targets(unet);
      if (weights.isEmpty()) throw new UserError(r.model() + ": the UNet has no ff.net.2 weight (…ff.net.2.weight), nothing to conceal");
      Map<String, LayerMask> mask = RevivalJob.fromPatch(r.mask(), r.model(), unet, weights);
      Concealment.Concealed c = switch (r.defense()) {
        case DECOYS -> Concealment.decoys(weights, mask, r.share());
        case NOISE -> Concealment.noise(weights, mask, r.quantile(), r.seed());
        case FLIP -> Concealment.flip(weights, mask);
      };
      MaskSet changed = new MaskSet();
      c.changed().forEach((layer, m) -> {
        if (m.count() > 0) changed.put(layer, m);
      });
      String base = MaskPatch.read(r.mask()).metadata().get(MaskPatch.BASE_MODEL_HASH);
      ObjectNode settings = settings(r);
      try (PruneJob job = new PruneJob(src, ProgressListener.SILENT)) {
        Map<String, String> meta = base == null ? Map.of("conceptprune_conceal", settings.toString())
            : Map.of("conceptprune_conceal", settings.toString(), "conceptprune_base_model_hash", base);
        job.writePruned(r.out(), changed, (layer, m, w) -> {
          float[] v = c.weights().get(layer);
          for (int p = m.nextSetBit(0); p >= 0; p = m.nextSetBit(p + 1)) w[p] = v[p];
        }, meta, r.overwrite());
      }
      long zeros = 0;
      for (float[] v : c.weights().values()) for (float x : v) if (x == 0f) zeros++;
      Result res = new Result(r.out(), r.report(), c.pruned(), c.decoys(), Concealment.count(c.changed()), zeros, c.skippedRows(),
          (System.nanoTime() - start) / 1e9);
      ObjectNode o = settings.deepCopy();
      o.put("model", r.model().toString());
      o.put("output", r.out().toString());
      o.put("pruned_weights", res.pruned());
      o.put("decoys", res.decoys());
      o.put("changed_weights", res.changed());
      o.put("exact_zeros_after", res.exactZeros());
      o.put("ffn2_weights", weights.values().stream().mapToLong(w -> w.w().length).sum());
      o.put("rows_without_survivors_left_zero", res.skippedRows());
      o.put("wall_seconds", res.seconds());
      AtomicFiles.writeString(r.report(), o.toPrettyString());
      return res;
    }
  }

  static ObjectNode settings(Request r) {
    ObjectNode s = new ObjectMapper().createObjectNode();
    s.put("defense", r.defense().cliName());
    s.put("mask", r.mask().toString());
    if (r.defense() == Defense.DECOYS) s.put("share", r.share());
    else if (r.defense() == Defense.NOISE) {
      s.put("quantile", r.quantile());
      s.put("seed", r.seed());
    }
    return s;
  }
}
