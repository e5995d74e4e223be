package org.conceptprune.attack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.LayerWeight;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.Pruner;
import org.conceptprune.revival.CompletionCache;
import org.conceptprune.revival.LayerReport;
import org.conceptprune.revival.Locations;
import org.conceptprune.revival.Revival;
import org.conceptprune.revival.RevivalJob;
import org.conceptprune.revival.RevivalSettings;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.UserError;

/**
 * The data-free revival attack ("Roots Beneath the Cut", {@link Revival}) as an attack method: once per
 * run the attacked model's UNet ff.net.2 weights are revived in memory (completions cached in
 * {@code OUT/revival-cache/}, the per-layer report in {@code OUT/revival.json}); each attempt generates
 * the row's prompt with the revived weights swapped into the loaded attacked model and judges it.
 */
public final class RevivalAttack implements AttackMethod {
  private final Locations locations;
  private final RevivalSettings settings;
  private final Path signFrom;
  private final String signFromLabel;
  private Map<String, float[]> revived;
  private long filled;
  private long candidates;

  /**
   * @param signFrom null, or the unpruned model whose signs every location takes (the upper bound)
   * @param signFromLabel how the user named it (recorded in run.json; "toy" resolves to a fresh folder each run)
   */
  public RevivalAttack(Locations locations, RevivalSettings settings, Path signFrom, String signFromLabel) {
    this.locations = locations;
    this.settings = settings;
    this.signFrom = signFrom;
    this.signFromLabel = signFromLabel;
  }

  @Override
  public String name() {
    return AttackMethodKind.REVIVAL.cliName();
  }

  @Override
  public Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("locations", locations.describe());
    m.put("top_ratio", settings.topRatio());
    m.put("magnitude", settings.magnitude().cliName());
    m.put("seed", settings.seed());
    m.put("iterations", settings.iterations());
    m.put("tolerance", settings.tolerance());
    m.put("sign_from", signFrom == null ? null : signFromLabel);
    return m;
  }

  /** The UNet's ff.net.2 weights of a loaded model (REVIVAL.md §0's targets), keyed by layer path. */
  static Map<String, LayerWeight> targets(StableDiffusion sd) {
    Map<String, LayerWeight> out = new TreeMap<>(Revival.ORDER);
    sd.unet.parameters().forEach((n, p) -> {
      long[] s = p.shape();
      if (RevivalJob.isTarget(n, s.length)) {
        out.put(n.substring(0, n.length() - ".weight".length()), new LayerWeight(Pruner.floats(p), (int) s[0], (int) s[1]));
      }
    });
    return out;
  }

  @Override
  public void prepare(Context ctx) {
    Map<String, LayerWeight> weights = targets(ctx.models().attacked());
    if (weights.isEmpty()) throw new UserError("the attacked model's UNet has no ff.net.2 weight, nothing to revive");
    Map<String, LayerMask> locs = switch (locations.kind()) {
      case ZEROS -> RevivalJob.zeros("the attacked model", weights);
      case BOTTOM, ROW_BOTTOM, ROW_TOP -> locations.bottom(weights);
      case PATCH -> fromPatch(locations.patch(), weights);
    };
    Map<String, LayerWeight> original = null;
    if (signFrom != null) {
      try (ModelSource o = ModelSource.open(signFrom, null)) {
        Map<String, LayerWeight> all = RevivalJob.targets(o.weights(Component.UNET));
        original = new TreeMap<>(Revival.ORDER);
        for (String layer : weights.keySet()) {
          if (!all.containsKey(layer)) throw new UserError("--sign-from " + signFrom + " has no weight for layer '" + layer + "'");
          original.put(layer, all.get(layer));
        }
      }
    }
    Revival.Revived r = Revival.revive(weights, locs, original, settings, new CompletionCache(ctx.out().resolve("revival-cache")), null);
    revived = r.weights();
    filled = r.filled();
    candidates = r.layers().stream().mapToLong(LayerReport::locations).sum();
    ObjectNode report = AttackRun.JSON.valueToTree(settings());
    report.put("candidates", candidates);
    report.put("filled", filled);
    ArrayNode layers = report.putArray("layers");
    for (LayerReport l : r.layers()) {
      layers.addObject().put("layer", l.layer()).put("locations", l.locations()).put("dropped", l.dropped()).put("filled", l.filled())
          .put("iterations", l.iterations()).put("from_cache", l.cached());
    }
    AtomicFiles.writeString(ctx.out().resolve("revival.json"), report.toPrettyString() + "\n");
    ctx.log().note(String.format("revival: %d of %d candidate locations filled (%s)", filled, candidates, locations.describe()));
  }

  static Map<String, LayerMask> fromPatch(Path file, Map<String, LayerWeight> weights) {
    MaskPatch patch = MaskPatch.read(file);
    Map<String, LayerMask> out = new TreeMap<>(Revival.ORDER);
    for (String layer : patch.masks().layers()) {
      LayerWeight w = weights.get(layer);
      LayerMask m = patch.masks().get(layer);
      if (w == null || w.out() != m.out() || w.in() != m.in()) {
        throw new UserError("--locations " + file + ": layer '" + layer + "' is no ff.net.2 weight of the attacked model's shape");
      }
      out.put(layer, m);
    }
    return out;
  }

  @Override
  public Attempt attack(Context ctx, PromptRow row, RgbImage target) {
    StableDiffusion sd = ctx.models().attacked();
    RgbImage img;
    try (Pruner.Applied a = Pruner.replace(sd.unet, revived)) {
      img = AttackImages.generate(sd, row.prompt(), ctx.seedOf(row), ctx.guidanceOf(row), ctx.generation(), null);
    }
    Judge.Verdict v = ctx.judge().judge(img, ctx.concept());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("candidates", candidates);
    details.put("filled", filled);
    return new Attempt(row.prompt(), img, v, details);
  }
}
