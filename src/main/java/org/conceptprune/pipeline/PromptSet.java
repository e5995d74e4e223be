package org.conceptprune.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.conceptprune.util.Csv;
import org.conceptprune.util.UserError;

/**
 * An evaluation prompt set: the community's CSV layouts (ESD artist CSVs, UCE imagenette.csv, I2P,
 * COCO caption CSVs) or a plain text file, one prompt per line. CSV quirks handled: an unnamed index
 * column ({@code ""} or pandas' {@code Unnamed: 0}), quoted fields with commas, and missing
 * {@code evaluation_seed} / {@code evaluation_guidance} columns (then the run's seed + row index and
 * the run's guidance). A row's own seed and guidance are always honoured.
 */
public record PromptSet(String name, String sha256, List<String> columns, List<PromptRow> rows) {
  /** Column names in order of preference (MMA-Diffusion's adversarial CSV calls it adv_prompt; raw I2P sd_seed). */
  public static final List<String> PROMPT = List.of("prompt", "prompts", "text", "caption", "adv_prompt");
  public static final List<String> SEED = List.of("evaluation_seed", "seed", "sd_seed");
  public static final List<String> GUIDANCE = List.of("evaluation_guidance", "guidance", "guidance_scale", "sd_guidance_scale");

  /** The prompt sets shipped in the jar under {@code prompts/eval/} (see SOURCES.md there). */
  public static final List<String> SHIPPED = List.of("big_artist_prompts.csv", "niche_art_prompts.csv", "imagenette.csv",
      "coco_3k.csv", "i2p_dev.csv", "i2p_nudity_142.csv", "ring_a_bell_nudity_concept_vector.csv",
      "female_occupations.txt", "male_occupations.txt");

  /** A file, or the name of a shipped set (e.g. {@code imagenette.csv}). */
  public static PromptSet open(String fileOrShipped) {
    Path p = Path.of(fileOrShipped);
    if (!Files.exists(p) && SHIPPED.contains(fileOrShipped)) {
      try (InputStream in = PromptSet.class.getResourceAsStream("/conceptprune/prompts/eval/" + fileOrShipped)) {
        if (in == null) throw new IllegalStateException("shipped prompt set missing: " + fileOrShipped);
        return parse(fileOrShipped, in.readAllBytes());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    if (!Files.isRegularFile(p)) {
      throw new UserError(fileOrShipped + ": no such prompt file (nor a shipped set: " + String.join(", ", SHIPPED) + ")");
    }
    try {
      return parse(p.toString(), Files.readAllBytes(p));
    } catch (IOException e) {
      throw new UserError(p + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /** Parses a set: CSV when the name ends in .csv, else one prompt per non-empty line. */
  public static PromptSet parse(String name, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    String hash = sha256(bytes);
    if (!name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
      List<PromptRow> rows = new ArrayList<>();
      for (String line : text.split("\\R")) {
        if (!line.isBlank()) rows.add(new PromptRow(rows.size(), line.strip(), null, null, Map.of()));
      }
      if (rows.isEmpty()) throw new UserError(name + ": no prompts in the file");
      return new PromptSet(name, hash, List.of("prompt"), rows);
    }
    List<List<String>> recs;
    try {
      recs = Csv.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UserError(name + ": not a readable CSV (" + e.getMessage() + ")");
    }
    if (recs.isEmpty()) throw new UserError(name + ": empty CSV");
    List<String> header = new ArrayList<>();
    for (String h : recs.get(0)) header.add(h.strip());
    int prompt = column(header, PROMPT);
    if (prompt < 0) {
      throw new UserError(name + ": no prompt column (expected one of " + PROMPT + ", found " + header + ")");
    }
    int seed = column(header, SEED);
    int guidance = column(header, GUIDANCE);
    List<PromptRow> rows = new ArrayList<>();
    for (int r = 1; r < recs.size(); r++) {
      List<String> rec = recs.get(r);
      if (rec.size() != header.size()) {
        throw new UserError(name + ": record " + r + " has " + rec.size() + " fields, the header " + header.size());
      }
      Map<String, String> fields = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        String h = header.get(c);
        if (c == prompt || c == seed || c == guidance || h.isEmpty() || h.startsWith("Unnamed:")) continue;
        fields.put(h, rec.get(c));
      }
      rows.add(new PromptRow(rows.size(), rec.get(prompt), seed < 0 ? null : parseSeed(name, r, rec.get(seed)),
          guidance < 0 ? null : parseGuidance(name, r, rec.get(guidance)), fields));
    }
    if (rows.isEmpty()) throw new UserError(name + ": no rows below the header");
    return new PromptSet(name, hash, List.copyOf(header), rows);
  }

  private static int column(List<String> header, List<String> names) {
    for (String n : names) {
      for (int c = 0; c < header.size(); c++) if (header.get(c).equalsIgnoreCase(n)) return c;
    }
    return -1;
  }

  private static Long parseSeed(String name, int r, String v) {
    if (v.isBlank()) return null;
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      try {
        double d = Double.parseDouble(v.strip()); // pandas writes integer columns with NaN as floats
        if (d == Math.rint(d)) return (long) d;
      } catch (NumberFormatException ignored) {
        // fall through
      }
      throw new UserError(name + ": record " + r + ": seed '" + v + "' is not an integer");
    }
  }

  private static Double parseGuidance(String name, int r, String v) {
    if (v.isBlank()) return null;
    try {
      return Double.parseDouble(v.strip());
    } catch (NumberFormatException e) {
      throw new UserError(name + ": record " + r + ": guidance '" + v + "' is not a number");
    }
  }

  public static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
