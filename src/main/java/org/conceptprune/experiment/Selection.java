package org.conceptprune.experiment;

import java.util.ArrayList;
import java.util.List;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.util.UserError;

/**
 * Which rows of a prompt set a run covers: {@code --rows a:b} (0-based, b exclusive, Python's
 * slice), then {@code --limit N} (the first N of those), then {@code --shard i/n} (0-based: the rows
 * whose position in that list is i mod n). Shards of the same rows and limit partition them, so n
 * machines together cover exactly what one machine would.
 */
public record Selection(int from, int to, int limit, int shard, int shards) {
  public static final Selection ALL = new Selection(0, Integer.MAX_VALUE, Integer.MAX_VALUE, 0, 1);

  public Selection {
    if (from < 0 || to < from) throw new UserError("--rows " + from + ":" + to + " is empty or negative");
    if (limit < 1) throw new UserError("--limit must be at least 1, got " + limit);
    if (shards < 1 || shard < 0 || shard >= shards) {
      throw new UserError("--shard " + shard + "/" + shards + ": expected i/n with 0 <= i < n (e.g. 0/4 ... 3/4)");
    }
  }

  /** {@code --rows a:b} ("a:" and ":b" allowed). */
  /** {@code --rows A:B}, {@code --shard I/N} and {@code --limit N}, each null when not given. */
  public static Selection of(String rows, String shard, Integer limit) {
    int[] r = rows == null ? new int[] {0, Integer.MAX_VALUE} : parseRows(rows);
    int[] sh = shard == null ? new int[] {0, 1} : parseShard(shard);
    return new Selection(r[0], r[1], limit == null ? Integer.MAX_VALUE : limit, sh[0], sh[1]);
  }

  static int[] parseRows(String spec) {
    String[] p = spec.split(":", -1);
    if (p.length != 2) throw new UserError("--rows " + spec + ": expected a:b (0-based, b exclusive)");
    try {
      int a = p[0].isBlank() ? 0 : Integer.parseInt(p[0].strip());
      int b = p[1].isBlank() ? Integer.MAX_VALUE : Integer.parseInt(p[1].strip());
      if (a < 0 || b <= a) throw new UserError("--rows " + spec + ": expected 0 <= a < b");
      return new int[] {a, b};
    } catch (NumberFormatException e) {
      throw new UserError("--rows " + spec + ": expected a:b with integers");
    }
  }

  /** {@code --shard i/n}. */
  static int[] parseShard(String spec) {
    String[] p = spec.split("/", -1);
    try {
      if (p.length == 2) {
        int i = Integer.parseInt(p[0].strip());
        int n = Integer.parseInt(p[1].strip());
        if (n >= 1 && i >= 0 && i < n) return new int[] {i, n};
      }
    } catch (NumberFormatException ignored) {
      // the message below
    }
    throw new UserError("--shard " + spec + ": expected i/n with 0 <= i < n (e.g. 0/4 ... 3/4)");
  }

  public List<PromptRow> apply(List<PromptRow> rows) {
    List<PromptRow> out = new ArrayList<>();
    int kept = 0;
    for (PromptRow r : rows) {
      if (r.index() < from || r.index() >= to) continue;
      if (kept >= limit) break;
      if (kept % shards == shard) out.add(r);
      kept++;
    }
    return out;
  }

  public String describe() {
    StringBuilder sb = new StringBuilder();
    if (from > 0 || to < Integer.MAX_VALUE) sb.append("rows ").append(from).append(':').append(to == Integer.MAX_VALUE ? "" : to).append(' ');
    if (limit < Integer.MAX_VALUE) sb.append("limit ").append(limit).append(' ');
    if (shards > 1) sb.append("shard ").append(shard).append('/').append(shards);
    return sb.toString().strip();
  }
}
