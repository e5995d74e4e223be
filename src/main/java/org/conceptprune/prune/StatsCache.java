package org.conceptprune.prune;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Statistics cached as safetensors with their provenance in the metadata, so masks for any k and any
 * t̂' <= t̂ come later without the UNet. A cached file is reused when everything that decides the
 * statistics is the same (model content hash, prompts, latents, sampler, site, aggregation) and it
 * holds at least the t̂ calls asked for.
 */
public final class StatsCache {
  private final Path dir;

  public StatsCache(Path dir) {
    this.dir = dir;
  }

  /** The metadata a statistics file carries (all strings). */
  public static Map<String, String> metadata(String modelHash, ConceptSpec c, StatsSettings s, String latentsHash) {
    Map<String, String> m = new TreeMap<>(s.metadata());
    m.put("model_hash", modelHash);
    m.put("concept", c.name());
    m.put("family", c.family().cliName);
    m.put("target_prompts", String.join("\n", c.prompts().target()));
    m.put("reference_prompts", String.join("\n", c.prompts().reference()));
    m.put("latents", latentsHash == null ? "seed" : latentsHash);
    return m;
  }

  /** The key of everything but t̂. */
  static String key(Map<String, String> meta) {
    Map<String, String> m = new TreeMap<>(meta);
    m.remove("timesteps");
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      m.forEach((k, v) -> {
        md.update(k.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(v.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      });
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Path file(ConceptSpec c, Map<String, String> meta) {
    return dir.resolve(c.slug() + "-" + key(meta) + ".safetensors");
  }

  /** Where an unfinished pass keeps its sums (resumed by the next run with the same settings). */
  public Path partialFile(ConceptSpec c, Map<String, String> meta) {
    Path f = file(c, meta);
    return f.resolveSibling(f.getFileName() + ".t" + meta.get("timesteps") + ".partial");
  }

  /** Cached statistics with at least {@code timesteps} calls, or null. */
  public PruneStats find(ConceptSpec c, Map<String, String> meta, int timesteps) {
    Path f = file(c, meta);
    if (!Files.exists(f)) return null;
    PruneStats s = PruneStats.read(f);
    String cached = s.metadata().get("timesteps");
    if (cached == null || Integer.parseInt(cached) < timesteps) return null;
    return s;
  }

  public Path store(ConceptSpec c, Map<String, String> meta, PruneStats stats) {
    Path f = file(c, meta);
    stats.write(f, meta);
    return f;
  }
}
