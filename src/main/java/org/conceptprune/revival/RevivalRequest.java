package org.conceptprune.revival;

import java.nio.file.Path;

/**
 * A revival of a model on disk ({@link RevivalJob#run}).
 *
 * @param model the pruned model (diffusers folder or single file)
 * @param config for a single file: a diffusers folder whose configs to use, or null
 * @param out the revived model, in the input's layout
 * @param locations the exact zeros of each ff.net.2 weight, a bottom-|W| set, or a mask patch's masks (null: zeros)
 * @param signFrom null, or the unpruned model whose signs every location takes (the upper bound, REVIVAL.md §4)
 * @param cacheDir completed layers kept for a resumed run (null: OUT.revival beside OUT)
 * @param report the JSON report (null: OUT.report.json beside OUT)
 * @param overwrite replace OUT and the report if they exist
 */
public record RevivalRequest(Path model, Path config, Path out, Locations locations, Path signFrom, RevivalSettings settings,
    Path cacheDir, Path report, boolean overwrite) {
  public RevivalRequest {
    if (locations == null) locations = Locations.ZEROS;
    if (cacheDir == null) cacheDir = sibling(out, ".revival");
    if (report == null) report = sibling(out, ".report.json");
  }

  /** OUT's companion: OUT + suffix beside it. */
  static Path sibling(Path out, String suffix) {
    return out.resolveSibling(out.getFileName() + suffix);
  }
}
