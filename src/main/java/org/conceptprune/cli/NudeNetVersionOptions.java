package org.conceptprune.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.conceptprune.eval.nudenet.NudeNetSettings;
import org.conceptprune.eval.nudenet.NudeNetVersion;
import org.conceptprune.util.UserError;
import picocli.CommandLine.Option;

/** {@code evaluate}'s {@code --nudenet-version} and {@code --inference-resolution} (its {@code --nudenet} is the ONNX file). */
public final class NudeNetVersionOptions {
  @Option(names = "--nudenet-version", paramLabel = "VERSION", converter = NudeNetVersionConverter.class,
      description = "NudeNet release whose processing to reproduce: 3.0.8 (default) or 3.4 (= 3.4.2).")
  NudeNetVersion version;

  @Option(names = "--inference-resolution", paramLabel = "S", description = "NudeNet input side (3.4: default 320; see score nudity).")
  Integer resolution;

  /** The options, a recipe file's keys of the same names filling what the command line left unset. */
  NudeNetSettings settings(JsonNode recipe) {
    NudeNetVersion v = version;
    if (v == null) v = recipe != null && recipe.has("nudenet-version") ? NudeNetVersion.parse(recipe.get("nudenet-version").asText()) : NudeNetVersion.V3_0_8;
    int s = resolution != null ? resolution : recipe != null && recipe.has("inference-resolution") ? recipe.get("inference-resolution").asInt() : 0;
    if (resolution != null && s < 1) throw new UserError("--inference-resolution must be positive, got " + s);
    return new NudeNetSettings(v, s);
  }
}
