package org.conceptprune.io.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.conceptprune.util.UserError;

/**
 * A parsed config.json and the file it came from. Accessors name the file and key in every error;
 * required keys have no silent default. JSON key names appear only in the records' parsers.
 */
public final class ConfigNode {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final JsonNode root;

  public ConfigNode(Path file, JsonNode root) {
    this.file = file;
    this.root = root;
  }

  public static ConfigNode read(Path file) {
    try {
      JsonNode n = JSON.readTree(Files.readString(file));
      if (n == null || !n.isObject()) throw new UserError(file + ": expected a JSON object");
      return new ConfigNode(file, n);
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": no such file");
    } catch (IOException e) {
      throw new UserError(file + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")", e);
    }
  }

  public Path file() {
    return file;
  }

  public JsonNode json() {
    return root;
  }

  public boolean has(String key) {
    JsonNode v = root.get(key);
    return v != null && !v.isNull();
  }

  private JsonNode req(String key) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) throw new UserError(file + ": missing required key '" + key + "'");
    return v;
  }

  private UserError wrongType(String key, String expected) {
    return new UserError(file + ": key '" + key + "' should be " + expected + ", found " + root.get(key));
  }

  public int reqInt(String key) {
    JsonNode v = req(key);
    if (!v.canConvertToInt() || !v.isNumber()) throw wrongType(key, "an integer");
    return v.asInt();
  }

  public int optInt(String key, int def) {
    return has(key) ? reqInt(key) : def;
  }

  public double reqDouble(String key) {
    JsonNode v = req(key);
    if (!v.isNumber()) throw wrongType(key, "a number");
    return v.asDouble();
  }

  public double optDouble(String key, double def) {
    return has(key) ? reqDouble(key) : def;
  }

  public String reqString(String key) {
    JsonNode v = req(key);
    if (!v.isTextual()) throw wrongType(key, "a string");
    return v.asText();
  }

  public String optString(String key, String def) {
    return has(key) ? reqString(key) : def;
  }

  public boolean optBool(String key, boolean def) {
    if (!has(key)) return def;
    JsonNode v = root.get(key);
    if (!v.isBoolean()) throw wrongType(key, "true or false");
    return v.asBoolean();
  }

  public List<String> reqStrings(String key) {
    JsonNode v = req(key);
    if (!v.isArray()) throw wrongType(key, "a list of strings");
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) out.add(e.isNull() ? null : e.asText());
    return out;
  }

  public int[] reqInts(String key) {
    JsonNode v = req(key);
    if (!v.isArray()) throw wrongType(key, "a list of integers");
    int[] out = new int[v.size()];
    for (int i = 0; i < out.length; i++) out[i] = v.get(i).asInt();
    return out;
  }

  /**
   * An integer or a list of integers (diffusers accepts both for head counts and layer counts):
   * a single value is repeated {@code n} times; a list must have {@code n} entries.
   */
  public int[] intOrList(String key, int n, Integer def) {
    if (!has(key)) {
      if (def == null) req(key);
      int[] out = new int[n];
      java.util.Arrays.fill(out, def);
      return out;
    }
    JsonNode v = root.get(key);
    if (v.isArray()) {
      if (v.size() != n) throw wrongType(key, "a list of " + n + " integers (one per block)");
      int[] out = new int[n];
      for (int i = 0; i < n; i++) out[i] = v.get(i).asInt();
      return out;
    }
    if (!v.canConvertToInt()) throw wrongType(key, "an integer or a list of integers");
    int[] out = new int[n];
    java.util.Arrays.fill(out, v.asInt());
    return out;
  }
}
