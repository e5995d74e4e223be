package org.conceptprune.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.eval.image.RgbImage;
import org.conceptprune.io.checkpoint.Component;
import org.conceptprune.pipeline.ModelSource;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.MaskPatch;
import org.conceptprune.prune.ModelHash;
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.Parallel;
import org.conceptprune.util.Progress;
import org.conceptprune.util.ProgressListener;
import org.conceptprune.util.UserError;

/**
 * The evaluation engine: generate every missing image of every model (resuming where a killed run
 * stopped), score the images, and write results.json / results.csv / index.html and a table.
 * Shards write their own folders; {@link #merge} joins them.
 */
public final class Evaluation {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SCORES = "scores.jsonl";

  /** A model of the command line: a model path, or a mask patch on the first model. */
  public record ModelSpec(String label, Path model, Path mask) {}

  /** What a run did and found. */
  public record Outcome(List<ResultRow> rows, String table, int generated, int scored) {}

  private final Experiment e;
  private final ImageStore store;
  private final Path out;
  private final ProgressListener log;

  private final int workers;

  public Evaluation(Experiment e, Path out, ProgressListener log) {
    this(e, out, log, 1);
  }

  /**
   * @param workers copies of each model that generate (and derive the experiment's models) in parallel,
   *     each on its own thread; the images are the same bytes for any count when libtorch runs one
   *     thread per worker
   */
  public Evaluation(Experiment e, Path out, ProgressListener log, int workers) {
    if (workers < 1) throw new UserError("--workers must be at least 1, got " + workers);
    this.e = e;
    this.out = out;
    this.store = new ImageStore(out);
    this.log = log;
    this.workers = workers;
  }

  /** Generates what is missing (unless scoreOnly), then scores and reports. */
  public Outcome run(List<ModelSpec> specs, Path config, Selection sel, boolean scoreOnly) {
    List<PromptRow> rows = sel.apply(e.prompts().rows());
    if (rows.isEmpty()) throw new UserError("the selection " + sel.describe() + " holds no rows of " + e.prompts().name());
    int generated = 0;
    RunManifest m;
    if (scoreOnly) {
      if (!Files.exists(out.resolve(RunManifest.FILE))) throw new UserError(out + ": nothing to score (no " + RunManifest.FILE + ")");
      m = RunManifest.read(out);
      List<String> d = m.conflicts(manifest(sel, Map.of()));
      if (!d.isEmpty()) throw new UserError(out + " was made by another experiment run (" + String.join("; ", d) + ")");
    } else {
      // models are named by content (a hash), not by path: the shipped toy model lands in a new
      // temporary folder every run, and shards run on machines with other paths
      Map<String, String> hashes = new LinkedHashMap<>();
      Map<String, String> described = new LinkedHashMap<>();
      for (ModelSpec s : specs) {
        String h = hashes.computeIfAbsent(s.model().toString(), k -> contentHash(s.model(), config));
        described.put(s.label(), s.mask() == null ? h + " " + s.model() : h + "+" + fileHash(s.mask()) + " " + s.model() + " + mask " + s.mask());
      }
      m = RunManifest.claim(out, manifest(sel, described)); // refuses a folder of another run before any work
      store.cleanTemporaries();
      List<List<ModelVariant>> byModel = variants(specs, config);
      for (List<ModelVariant> group : byModel) {
        List<StableDiffusion> sds = new ArrayList<>();
        try {
          for (int w = 0; w < workers; w++) sds.add(StableDiffusion.load(group.get(0).model(), config));
          List<ModelVariant> all = new ArrayList<>(group);
          if (group == byModel.get(0)) all.addAll(e.derivedModels(group.get(0), sds));
          for (ModelVariant v : all.subList(group.size(), all.size())) {
            described.put(v.label(), hashes.get(v.model().toString()) + "+" + e.name() + " " + v.model() + " + " + v.maskSource());
          }
          m = RunManifest.claim(out, manifest(sel, described));
          Map<ModelVariant, List<PromptRow>> mine = new LinkedHashMap<>();
          long todo = 0;
          for (ModelVariant v : all) {
            mine.put(v, rows.stream().filter(r -> e.generates(v, r)).toList());
            todo += Generator.missing(v, mine.get(v), e.generation(), store);
          }
          Progress bar = new Progress("generating (images of " + all.size() + " models)", todo, log);
          Map<String, String> ids = described;
          generated += Parallel.map(all, sds, (v, sd) -> Generator.run(sd, v, RunManifest.identity(ids.get(v.label())), mine.get(v),
              e.prompts().rows(), e.generation(), store, bar)).stream().mapToInt(Integer::intValue).sum();
        } finally {
          sds.forEach(StableDiffusion::close);
        }
      }
    }
    return finish(m, rows, readScores(out), generated);
  }

  /** The first 12 hex digits of the model's content hash (ModelHash of its UNet). */
  static String contentHash(Path model, Path config) {
    try (ModelSource src = ModelSource.open(model, config)) {
      return ModelHash.of(src.weights(Component.UNET)).substring(0, 12);
    }
  }

  static String fileHash(Path f) {
    try {
      return PromptSet.sha256(Files.readAllBytes(f)).substring(0, 12);
    } catch (IOException ex) {
      throw new UserError("cannot read " + f + " (" + ex.getMessage() + ")", ex);
    }
  }

  private RunManifest manifest(Selection sel, Map<String, String> models) {
    PromptSet p = e.prompts();
    return new RunManifest(e.name(), p.name(), p.sha256(), e.generation().describe(), e.describe(), sel, models);
  }

  /** The user's models grouped by model path (each group loads its model once); masks join the first. */
  private List<List<ModelVariant>> variants(List<ModelSpec> specs, Path config) {
    if (specs.isEmpty() || specs.get(0).mask() != null) throw new UserError("evaluate needs a --model first (the base model)");
    Map<Path, List<ModelVariant>> groups = new LinkedHashMap<>();
    Path base = specs.get(0).model();
    String baseHash = null;
    for (ModelSpec s : specs) {
      if (s.mask() == null) {
        groups.computeIfAbsent(s.model(), k -> new ArrayList<>()).add(ModelVariant.plain(s.label(), s.model()));
        continue;
      }
      MaskPatch patch = MaskPatch.read(s.mask());
      if (baseHash == null) {
        try (ModelSource src = ModelSource.open(base, config)) {
          baseHash = ModelHash.of(src.weights(Component.UNET));
        }
      }
      patch.requireMadeFor("--mask", s.mask(), base, baseHash);
      groups.computeIfAbsent(base, k -> new ArrayList<>()).add(new ModelVariant(s.label(), base, patch.masks(), "mask " + s.mask().getFileName()));
    }
    return new ArrayList<>(groups.values());
  }

  /** Scores every selected image that exists (reusing the records of scores.jsonl), then the tables. */
  private Outcome finish(RunManifest m, List<PromptRow> rows, Map<String, ImageScore> known, int generated) {
    List<String> models = new ArrayList<>(m.models().keySet());
    List<ImageScore> scores = new ArrayList<>();
    int total = 0;
    for (String md : models) for (PromptRow r : rows) if (store.done(md, r.index())) total++;
    Progress bar = new Progress("scoring (images)", total, log);
    int fresh = 0;
    for (String md : models) {
      List<PromptRow> todo = new ArrayList<>();
      for (PromptRow r : rows) {
        if (!store.done(md, r.index())) continue;
        ImageScore k = known.get(md + "/" + r.index());
        if (k != null) {
          scores.add(k);
          bar.step();
        } else {
          todo.add(r);
        }
      }
      for (int i = 0; i < todo.size(); i += 64) {
        List<PromptRow> part = todo.subList(i, Math.min(todo.size(), i + 64));
        List<RgbImage> imgs = new ArrayList<>();
        for (PromptRow r : part) imgs.add(RgbImage.read(store.png(md, r.index())));
        scores.addAll(e.score(md, part, imgs));
        fresh += part.size();
        bar.advance(part.size());
      }
    }
    writeScores(out, scores);
    List<ResultRow> results = e.summarize(scores, models, models.get(0));
    Results.write(out, m, results);
    Map<String, List<PromptRow>> grid = gridRows(rows);
    Map<String, ImageScore> byImage = new LinkedHashMap<>();
    for (ImageScore s : scores) byImage.put(s.model() + "/" + s.row(), s);
    Report.write(out, e, m, results, models, grid, store, byImage);
    return new Outcome(results, Results.table(results, e.tableMetrics()), generated, fresh);
  }

  /** Up to 6 rows of every "set" field value (or the first 8 rows), for the report's grids. */
  private static Map<String, List<PromptRow>> gridRows(List<PromptRow> rows) {
    Map<String, List<PromptRow>> g = new LinkedHashMap<>();
    for (PromptRow r : rows) {
      String set = r.fields().getOrDefault("set", r.fields().getOrDefault("artist", r.fields().getOrDefault("class", "prompts")));
      List<PromptRow> l = g.computeIfAbsent(set, k -> new ArrayList<>());
      if (l.size() < 6) l.add(r);
    }
    if (g.size() > 12) {
      Map<String, List<PromptRow>> few = new LinkedHashMap<>();
      for (var en : g.entrySet()) if (few.size() < 12) few.put(en.getKey(), en.getValue());
      return few;
    }
    return g;
  }

  static Map<String, ImageScore> readScores(Path dir) {
    Map<String, ImageScore> out = new LinkedHashMap<>();
    Path f = dir.resolve(SCORES);
    if (!Files.exists(f)) return out;
    try {
      for (String line : Files.readAllLines(f)) {
        if (line.isBlank()) continue;
        JsonNode o = JSON.readTree(line);
        Map<String, Double> v = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.get("values").fields(); it.hasNext(); ) {
          var en = it.next();
          v.put(en.getKey(), en.getValue().isNull() ? Double.NaN : en.getValue().asDouble());
        }
        Map<String, String> l = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.get("labels").fields(); it.hasNext(); ) {
          var en = it.next();
          l.put(en.getKey(), en.getValue().asText());
        }
        ImageScore s = new ImageScore(o.get("model").asText(), o.get("row").asInt(), v, l);
        out.put(s.model() + "/" + s.row(), s);
      }
    } catch (IOException | NullPointerException ex) {
      throw new UserError(f + ": not readable (" + ex.getMessage() + "); delete it to score again");
    }
    return out;
  }

  static void writeScores(Path dir, List<ImageScore> scores) {
    StringBuilder sb = new StringBuilder();
    for (ImageScore s : scores) {
      ObjectNode o = JSON.createObjectNode().put("model", s.model()).put("row", s.row());
      ObjectNode v = o.putObject("values");
      s.values().forEach((k, x) -> {
        if (Double.isNaN(x)) v.putNull(k);
        else v.put(k, x);
      });
      ObjectNode l = o.putObject("labels");
      s.labels().forEach(l::put);
      sb.append(o).append('\n');
    }
    AtomicFiles.writeString(dir.resolve(SCORES), sb.toString());
  }

  /**
   * Joins shard folders into {@code out}: every part must be this experiment run with the same
   * rows and limit, and together they must be shards 0..n-1 of n, each once. Images are linked (or
   * copied), score records reused, and the merged selection is scored and reported.
   */
  public Outcome merge(List<Path> parts) {
    if (parts.isEmpty()) throw new UserError("--merge needs the shard folders");
    List<RunManifest> ms = new ArrayList<>();
    for (Path p : parts) {
      if (!Files.exists(p.resolve(RunManifest.FILE))) throw new UserError(p + ": not an evaluation folder (no " + RunManifest.FILE + ")");
      ms.add(RunManifest.read(p));
    }
    RunManifest first = ms.get(0);
    Selection s0 = first.selection();
    boolean[] seen = new boolean[s0.shards()];
    Map<String, String> models = new LinkedHashMap<>();
    for (int i = 0; i < ms.size(); i++) {
      RunManifest m = ms.get(i);
      List<String> d = m.conflicts(manifest(s0, Map.of()));
      if (!d.isEmpty()) throw new UserError(parts.get(i) + " is another experiment run (" + String.join("; ", d) + ")");
      Selection s = m.selection();
      if (s.shards() != s0.shards() || s.from() != s0.from() || s.to() != s0.to() || s.limit() != s0.limit()) {
        throw new UserError(parts.get(i) + " covers other rows (" + s.describe() + ") than " + parts.get(0) + " (" + s0.describe() + ")");
      }
      if (seen[s.shard()]) throw new UserError("shard " + s.shard() + "/" + s.shards() + " is given twice (" + parts.get(i) + ")");
      seen[s.shard()] = true;
      models.putAll(m.models());
    }
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < seen.length; i++) if (!seen[i]) missing.add(i + "/" + seen.length);
    if (!missing.isEmpty()) throw new UserError("missing part(s): shard " + String.join(", ", missing) + "; nothing was merged");
    Selection whole = new Selection(s0.from(), s0.to(), s0.limit(), 0, 1);
    RunManifest merged = RunManifest.claim(out, manifest(whole, models));
    Map<String, ImageScore> known = new LinkedHashMap<>(readScores(out));
    for (Path p : parts) {
      known.putAll(readScores(p));
      ImageStore part = new ImageStore(p);
      for (String md : models.keySet()) {
        for (PromptRow r : whole.apply(e.prompts().rows())) {
          if (!part.done(md, r.index()) || store.done(md, r.index())) continue;
          link(part.png(md, r.index()), store.png(md, r.index()));
        }
      }
    }
    return finish(merged, whole.apply(e.prompts().rows()), known, 0);
  }

  private static void link(Path from, Path to) {
    try {
      Files.createDirectories(to.getParent());
      try {
        Files.createLink(to, from);
      } catch (IOException | UnsupportedOperationException notSameDisk) {
        Files.copy(from, to);
      }
    } catch (IOException ex) {
      throw new UserError("cannot copy " + from + " to " + to + " (" + ex.getMessage() + ")", ex);
    }
  }
}
