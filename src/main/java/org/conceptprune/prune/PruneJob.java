package org.conceptprune.prune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.model.checkpoint.SingleFile;
import org.conceptprune.io.safetensors.TensorInfo;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.schedule.SchedulerConfig;
import org.conceptprune.schedule.SchedulerKind;
import org.conceptprune.schedule.Schedulers;
import org.conceptprune.util.Progress;
import org.conceptprune.util.ProgressListener;
import org.conceptprune.util.UserError;

/**
 * The model-facing steps of an erasure ({@link Erasure} runs them in order): the statistics of every
 * concept (from the cache when they are there, else one statistics pass with the model loaded once),
 * the probed layers and their weights, the checks of k and t̂ against the model, and the pruned copy
 * in the input's layout. The model is loaded only when some statistics must be computed, and is freed
 * before the masks and the pruned copy are made.
 */
public final class PruneJob implements AutoCloseable {
  public final ModelSource source;
  private final ProgressListener log;
  private StableDiffusion model;
  private String modelHash;
  /** UNet calls made by this job (0 when every statistic came from the cache). */
  public int unetCalls;

  /** @param log hears what the job loads, computes and reuses */
  public PruneJob(ModelSource source, ProgressListener log) {
    this.source = source;
    this.log = log;
  }

  public String modelHash() {
    if (modelHash == null) modelHash = ModelHash.of(source.weights(Component.UNET));
    return modelHash;
  }

  /** Frees the statistics model (the masks and the pruned copy are made from the checkpoint). */
  public void releaseModel() {
    if (model != null) {
      model.close();
      model = null;
    }
  }

  /** Number of UNet calls a sampler makes for {@code steps} steps (PNDM: steps + 1). */
  public int callsFor(SchedulerKind kind, int steps) {
    SchedulerConfig c = SchedulerConfig.load(source.configDir.resolve("scheduler/scheduler_config.json"));
    var s = Schedulers.create(kind, c);
    s.setTimesteps(steps);
    return s.numModelCalls();
  }

  /** Validates t̂ against the sampler before anything runs. */
  public void checkTimesteps(int tHat, StatsSettings s) {
    if (!s.site().inUnet) return;
    int calls = callsFor(s.scheduler(), s.steps());
    if (tHat > calls) {
      throw new UserError("t̂ = " + tHat + " is larger than the " + calls + " UNet calls " + s.scheduler().cliName()
          + " makes with " + s.steps() + " steps");
    }
  }

  /**
   * The statistics of every concept: from the cache where present, else computed (and cached). The
   * model is loaded once for all concepts to compute and freed before this returns: for a UNet site
   * the text encoder encodes every prompt first and is freed before the UNet is loaded (no VAE
   * weights); for the text-encoder site only the text encoder is loaded.
   *
   * @param settings one per concept
   */
  public List<PruneStats> stats(List<ConceptSpec> concepts, List<StatsSettings> settings, float[] latents, StatsCache cache,
      Progress progress) {
    List<PruneStats> out = new ArrayList<>(Collections.nCopies(concepts.size(), (PruneStats) null));
    List<Integer> todo = new ArrayList<>();
    for (int i = 0; i < concepts.size(); i++) {
      ConceptSpec c = concepts.get(i);
      StatsSettings s = settings.get(i);
      checkTimesteps(s.timesteps(), s);
      Map<String, String> meta = metadata(c, s, latents);
      PruneStats cached = cache == null ? null : cache.find(c, meta, s.timesteps());
      if (cached != null) {
        log.note("statistics of '" + c.name() + "' from the cache (" + cache.file(c, meta).getFileName() + ")");
        progress.advance((long) c.prompts().target().size() * s.latentSeeds() * s.timesteps());
        out.set(i, cached);
      } else {
        todo.add(i);
      }
    }
    try {
      for (boolean inUnet : new boolean[] {false, true}) {
        List<Integer> group = todo.stream().filter(i -> settings.get(i).site().inUnet == inUnet).toList();
        if (group.isEmpty()) continue;
        releaseModel();
        model = load(inUnet, group.stream().map(concepts::get).toList(), group.stream().map(settings::get).toList());
        for (int i : group) out.set(i, compute(concepts.get(i), settings.get(i), latents, cache, progress));
      }
    } finally {
      releaseModel();
    }
    return out;
  }

  private StableDiffusion load(boolean inUnet, List<ConceptSpec> concepts, List<StatsSettings> settings) {
    if (!inUnet) {
      log.note("loading the text encoder of " + source.path + " ...");
      return StableDiffusion.loadTextEncoderForStatistics(source);
    }
    List<List<String>> batches = new ArrayList<>();
    for (int i = 0; i < concepts.size(); i++) batches.addAll(ActivationStats.promptBatches(concepts.get(i).prompts(), settings.get(i)));
    log.note("loading " + source.path + ": the text encoder for the prompts, then the "
        + org.conceptprune.runtime.TorchRuntime.precision().cliName() + " UNet ...");
    return StableDiffusion.loadUnetForStatistics(source, batches);
  }

  private Map<String, String> metadata(ConceptSpec c, StatsSettings s, float[] latents) {
    return StatsCache.metadata(modelHash(), c, s, latents == null ? null : hash(latents));
  }

  private PruneStats compute(ConceptSpec c, StatsSettings s, float[] latents, StatsCache cache, Progress progress) {
    Map<String, String> meta = metadata(c, s, latents);
    Path partial = cache == null ? null : cache.partialFile(c, meta);
    if (partial != null && java.nio.file.Files.exists(partial)) log.note("resuming the statistics of '" + c.name() + "' from " + partial);
    ActivationStats.Result r = ActivationStats.collect(model, c.prompts(), s, latents, progress, partial);
    unetCalls += r.unetCalls();
    log.note(String.format("statistics of '%s': %d pairs, %d UNet calls, %.1f s", c.name(), r.pairs(), r.unetCalls(), r.seconds()));
    PruneStats stats = withMeta(r.stats(), meta);
    if (cache != null) cache.store(c, meta, stats);
    return stats;
  }

  private static PruneStats withMeta(PruneStats s, Map<String, String> meta) {
    PruneStats out = new PruneStats();
    for (String l : s.layers()) out.put(l, s.layer(l));
    if (s.hasPerPrompt()) for (String l : s.layers()) out.putPerPrompt(l, s.perPrompt(l));
    out.putMetadata(meta);
    return out;
  }

  /** The probed layers of a site in this model, with their input widths: layer path -> in. */
  public Map<String, Integer> siteLayers(ProbeSite site) {
    Map<String, Integer> out = new java.util.TreeMap<>();
    String suffix = site.suffix + ".weight";
    for (TensorInfo t : source.weights(site.component()).tensors().values()) {
      if (t.name().endsWith(suffix) && t.shape().length == 2) {
        out.put(t.name().substring(0, t.name().length() - ".weight".length()), (int) t.shape()[1]);
      }
    }
    return out;
  }

  /**
   * kcount = floor(k * in) of every layer: warns for each layer where it is 0 (nothing can be
   * pruned there) and refuses when it is 0 in every layer (nothing at all would be pruned).
   *
   * @param inWidths layer path -> in
   */
  public static void checkKCount(double k, Map<String, Integer> inWidths, ProgressListener log) {
    java.util.List<String> empty = new java.util.ArrayList<>();
    int widest = 0;
    for (Map.Entry<String, Integer> e : inWidths.entrySet()) {
      widest = Math.max(widest, e.getValue());
      if (SkilledNeurons.kCount(k, e.getValue()) == 0) empty.add(e.getKey());
    }
    if (!inWidths.isEmpty() && empty.size() == inWidths.size()) {
      throw new UserError("k = " + k + " selects floor(k * in) = 0 columns in every layer (the widest has in = " + widest
          + "), so nothing would be pruned; use k >= " + (1.0 / widest));
    }
    for (String l : empty) {
      log.note(String.format("warning: k = %s selects floor(k * in) = 0 of the %d columns of %s: nothing is pruned in that layer",
          k, inWidths.get(l), l));
    }
  }

  /** All parameters of the UNet (for the overall density). */
  public long unetParameters() {
    long n = 0;
    for (TensorInfo t : source.weights(Component.UNET).tensors().values()) if (t.dtype().isFloat()) n += t.numel();
    return n;
  }

  /** The component some layers belong to (text encoder layers start with "text_model."). */
  public static Component componentOf(java.util.Collection<String> layers) {
    long text = layers.stream().filter(l -> l.startsWith("text_model.")).count();
    if (text == 0) return Component.UNET;
    if (text == layers.size()) return Component.TEXT_ENCODER;
    throw new UserError("the layers mix UNet and text-encoder layers; prune them in two runs");
  }

  public WeightSource weights(Component component) {
    return WeightSource.of(source.weights(component));
  }

  /** Writes the model with the masks applied, in the input's layout. */
  public void writePruned(Path out, MaskSet masks, PrunedWriter.Edit edit, Map<String, String> meta, boolean overwrite) {
    Component component = componentOf(masks.layers());
    if (source.layout == ModelSource.Layout.FOLDER) {
      PrunedWriter.writeFolder(source.path, out, component, masks, edit, meta, overwrite);
    } else {
      if (!out.getFileName().toString().endsWith(".safetensors")) {
        throw new UserError("the input is a single file, so --out must end in .safetensors, got " + out);
      }
      var layout = SingleFile.layoutFor(source.singleFile(), source.arch, source.unetConfig());
      PrunedWriter.writeSingleFile(source.path, out, component, masks, edit, layout, meta, overwrite);
    }
  }

  /** The density report of a mask set as JSON (per layer and overall, % of FFN weights and of the UNet). */
  public static ObjectNode densityJson(MaskSet masks, long unetParams) {
    ObjectNode d = new ObjectMapper().createObjectNode();
    MaskSet.Density all = masks.overall();
    d.put("pruned_weights", all.pruned());
    d.put("layer_weights", all.total());
    d.put("fraction_of_layer_weights", all.fraction());
    d.put("unet_parameters", unetParams);
    d.put("fraction_of_unet_parameters", unetParams == 0 ? 0 : (double) all.pruned() / unetParams);
    ArrayNode layers = d.putArray("layers");
    for (MaskSet.Density l : masks.density()) {
      ObjectNode o = layers.addObject();
      o.put("layer", l.layer());
      o.put("pruned", l.pruned());
      o.put("total", l.total());
      o.put("fraction", l.fraction());
    }
    return d;
  }

  /** The density report as readable text. */
  public static String densityText(MaskSet masks, long unetParams) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-62s %10s %12s %9s%n", "layer", "pruned", "weights", "%"));
    for (MaskSet.Density l : masks.density()) {
      sb.append(String.format("%-62s %10d %12d %8.4f%%%n", l.layer(), l.pruned(), l.total(), 100 * l.fraction()));
    }
    MaskSet.Density all = masks.overall();
    sb.append(String.format("%-62s %10d %12d %8.4f%%%n", "all layers", all.pruned(), all.total(), 100 * all.fraction()));
    sb.append(String.format("of all %d UNet parameters: %.4f%%%n", unetParams, unetParams == 0 ? 0 : 100.0 * all.pruned() / unetParams));
    return sb.toString();
  }

  public static String hash(float[] v) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(v);
      md.update(b);
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }


  @Override
  public void close() {
    if (model != null) model.close();
  }
}
