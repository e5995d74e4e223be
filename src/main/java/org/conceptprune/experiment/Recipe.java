package org.conceptprune.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.util.UserError;

/**
 * A recipe file ({@code evaluate --experiment RECIPE.json}): {"experiment": "toy", "target":
 * ["zorbly"], "k": 0.05, ...}, keys the long option names; each fills what the command line left
 * unset. {@link #NONE} when the experiment is named directly: every key absent.
 */
public final class Recipe {
  public static final Recipe NONE = new Recipe(null, null);

  private final Path file;
  private final JsonNode node;

  private Recipe(Path file, JsonNode node) {
    this.file = file;
    this.node = node;
  }

  /** Reads a recipe file, with one clear error if it is missing, not JSON, or names no experiment. */
  public static Recipe read(Path f) {
    if (!Files.isRegularFile(f)) throw new UserError(f + ": no such recipe file");
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(f.toFile());
    } catch (IOException ex) {
      throw new UserError(f + ": not a JSON recipe (" + ex.getMessage() + ")");
    }
    if (!n.has("experiment")) throw new UserError(f + ": the recipe names no \"experiment\"");
    return new Recipe(f, n);
  }

  /** The file (null: {@link #NONE}). */
  public Path file() {
    return file;
  }

  /** The JSON (null: {@link #NONE}). */
  public JsonNode node() {
    return node;
  }

  /** The experiment the recipe names. */
  public ExperimentKind kind() {
    return ExperimentKind.parse(node.path("experiment").asText(""));
  }

  public boolean has(String key) {
    return node != null && node.has(key);
  }

  public String str(String key) {
    return has(key) ? node.get(key).asText() : null;
  }

  public Path path(String key) {
    return has(key) ? Path.of(node.get(key).asText()) : null;
  }

  public double dbl(String key, double def) {
    return has(key) ? node.get(key).asDouble() : def;
  }

  public Double dbl(String key) {
    return has(key) ? node.get(key).asDouble() : null;
  }

  public Integer integer(String key) {
    return has(key) ? node.get(key).asInt() : null;
  }

  public Long lng(String key) {
    return has(key) ? node.get(key).asLong() : null;
  }

  public boolean bool(String key) {
    return node != null && node.path(key).asBoolean(false);
  }

  /** A string or an array of strings; {@code def} when absent. */
  public List<String> strings(String key, List<String> def) {
    if (!has(key)) return def;
    List<String> out = new ArrayList<>();
    if (node.get(key).isArray()) node.get(key).forEach(x -> out.add(x.asText()));
    else out.add(node.get(key).asText());
    return out;
  }

  public List<Double> doubles(String key) {
    List<Double> out = new ArrayList<>();
    if (has(key)) node.get(key).forEach(x -> out.add(x.asDouble()));
    return out;
  }

  /** {"NAME": "C1+C2", ...} as name -> "C1+C2" (empty when absent). */
  public Map<String, String> map(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    if (has(key)) node.get(key).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** The command line's settings, this recipe's keys filling what the command line left unset. */
  public EvalOptions fill(EvalOptions c) {
    return new EvalOptions(c.targets() != null ? c.targets() : strings("target", null),
        c.prompts() != null ? c.prompts() : str("prompts"), c.clip() != null ? c.clip() : path("clip"),
        c.classifier() != null ? c.classifier() : path("classifier"), c.nudenet() != null ? c.nudenet() : path("nudenet"),
        c.threshold() != null ? c.threshold() : dbl("threshold"),
        c.fidModel() != null ? c.fidModel() : path("fid-model"), c.fidReference() != null ? c.fidReference() : path("fid-reference"),
        c.steps() != null ? c.steps() : integer("steps"), c.guidance() != null ? c.guidance() : dbl("guidance"),
        c.scheduler() != null ? c.scheduler() : str("scheduler"), c.width() != null ? c.width() : integer("width"),
        c.height() != null ? c.height() : integer("height"), c.seed() != null ? c.seed() : lng("seed"),
        c.nudenetSettings(), c.q16Prompts() != null ? c.q16Prompts() : path("q16-prompts"));
  }
}
