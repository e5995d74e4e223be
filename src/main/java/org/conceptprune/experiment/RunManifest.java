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
import org.conceptprune.util.AtomicFiles;
import org.conceptprune.util.UserError;

/**
 * {@code OUT/experiment.json}: what an evaluation folder holds (experiment, prompt set and its hash,
 * generation settings, recipe parameters, the rows selected, the models and their masks). A rerun
 * into the same folder must agree on everything that decides the pixels; models may be added.
 */
public record RunManifest(String experiment, String promptSet, String promptSha256, Map<String, String> generation,
    Map<String, String> recipe, Selection selection, Map<String, String> models) {
  static final String FILE = "experiment.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", "conceptprune-evaluate/1");
    o.put("experiment", experiment);
    o.put("prompt_set", promptSet);
    o.put("prompt_set_sha256", promptSha256);
    o.set("generation", JSON.valueToTree(generation));
    o.set("recipe", JSON.valueToTree(recipe));
    ObjectNode s = o.putObject("selection");
    s.put("from", selection.from());
    s.put("to", selection.to());
    s.put("limit", selection.limit());
    s.put("shard", selection.shard());
    s.put("shards", selection.shards());
    o.set("models", JSON.valueToTree(models));
    return o;
  }

  static RunManifest read(Path dir) {
    Path f = dir.resolve(FILE);
    try {
      JsonNode o = JSON.readTree(f.toFile());
      if (!"conceptprune-evaluate/1".equals(o.path("format").asText())) {
        throw new UserError(f + ": not an evaluation manifest (format " + o.path("format").asText() + ")");
      }
      JsonNode s = o.get("selection");
      return new RunManifest(o.get("experiment").asText(), o.get("prompt_set").asText(), o.get("prompt_set_sha256").asText(),
          strings(o.get("generation")), strings(o.get("recipe")),
          new Selection(s.get("from").asInt(), s.get("to").asInt(), s.get("limit").asInt(), s.get("shard").asInt(),
              s.get("shards").asInt()), strings(o.get("models")));
    } catch (IOException | NullPointerException e) {
      throw new UserError(f + ": not a readable evaluation manifest (" + e.getMessage() + ")");
    }
  }

  private static Map<String, String> strings(JsonNode n) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      var e = it.next();
      m.put(e.getKey(), e.getValue().asText());
    }
    return m;
  }

  /** The differences that forbid sharing one folder (models and the selection may differ). */
  List<String> conflicts(RunManifest other) {
    List<String> d = new ArrayList<>();
    if (!experiment.equals(other.experiment)) d.add("experiment " + experiment + " vs " + other.experiment);
    if (!promptSha256.equals(other.promptSha256)) d.add("prompt set " + promptSet + " vs " + other.promptSet);
    if (!generation.equals(other.generation)) d.add("generation " + generation + " vs " + other.generation);
    if (!recipe.equals(other.recipe)) d.add("recipe " + recipe + " vs " + other.recipe);
    for (var e : other.models.entrySet()) {
      String mine = models.get(e.getKey());
      if (mine != null && !identity(mine).equals(identity(e.getValue()))) {
        d.add("model " + e.getKey() + ": " + mine + " vs " + e.getValue());
      }
    }
    return d;
  }

  /** A model entry's identity: its content hash (the text before the first space), not its path. */
  static String identity(String entry) {
    int sp = entry.indexOf(' ');
    return sp < 0 ? entry : entry.substring(0, sp);
  }

  /**
   * Writes this manifest into {@code dir}, or checks it against the one there and merges the models.
   * An existing folder without a manifest is refused unless empty.
   */
  static RunManifest claim(Path dir, RunManifest mine) {
    Path f = dir.resolve(FILE);
    RunManifest merged = mine;
    if (Files.exists(f)) {
      RunManifest there = read(dir);
      List<String> d = there.conflicts(mine);
      if (!d.isEmpty()) {
        throw new UserError(dir + " was made by another experiment run (" + String.join("; ", d)
            + "); choose another --out, nothing there was changed");
      }
      Map<String, String> models = new LinkedHashMap<>(there.models);
      models.putAll(mine.models);
      merged = new RunManifest(mine.experiment, mine.promptSet, mine.promptSha256, mine.generation, mine.recipe, mine.selection, models);
    } else if (Files.isDirectory(dir)) {
      try (var s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw new UserError(dir + " exists and is not an evaluation folder (no " + FILE + "); choose another --out");
        }
      } catch (IOException e) {
        throw new UserError("cannot read " + dir + " (" + e.getMessage() + ")", e);
      }
    }
    AtomicFiles.writeString(f, merged.toJson().toPrettyString());
    return merged;
  }
}
