package org.conceptprune.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.PromptSet;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.toy.ToyEval;
import org.conceptprune.toy.World;

/**
 * The toy experiment's prompt set: per concept the prompts asking for it, then the (object, style)
 * pairs the others are judged on (all 96, N objects of each style, or a fixed sample), each row with its
 * seed and batch slot.
 */
final class ToyRows {
  private ToyRows() {}

  static PromptSet of(ToyExperiment.Options o, World w) {
    List<PromptRow> rows = new ArrayList<>();
    for (String c : o.concepts()) {
      long seed = ToyDefaults.askingSeed(o.seed());
      if (o.othersSample() > 0) seed += 1000L * (1 + number(w, c)); // a batch of its own, the same in every run
      add(rows, ToyExperiment.ASKING + c, spread(ToyEval.asking(w, ToyExperiment.kindOf(w, c), ToyExperiment.indexOf(w, c), o.perConcept()), o.askingLimit(), o.perConcept()), seed);
    }
    if (o.othersSample() > 0) add(rows, ToyExperiment.PAIRS, sample(w, o.othersSample()), ToyDefaults.othersSeed(o.seed()));
    else add(rows, ToyExperiment.PAIRS, ToyEval.somePairs(w, 1, o.objectsPerStyle()), o.seed());
    StringBuilder sig = new StringBuilder("toy");
    for (PromptRow r : rows) sig.append('\n').append(r.prompt()).append(' ').append(r.seed()).append(' ').append(r.slot());
    String hash = PromptSet.sha256(sig.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new PromptSet("toy:" + String.join("+", o.concepts()), hash, List.of("prompt", "set", "object", "style"), rows);
  }

  /** A concept's number in the world: styles first, then objects. */
  static int number(World w, String concept) {
    return ToyExperiment.kindOf(w, concept) ? w.styleIndex(concept) : w.numStyles() + w.objectIndex(concept);
  }

  /**
   * At most {@code limit} of the variants (0: all), spread evenly, each with its repeats: variant
   * i x variants / limit, moved one on for odd i where the step allows, so both wordings of
   * {@link ToyEval#asking} (they alternate) stay.
   */
  static List<ToyEval.Item> spread(List<ToyEval.Item> items, int limit, int repeats) {
    int variants = items.size() / repeats;
    if (limit == 0 || limit >= variants) return items;
    List<ToyEval.Item> out = new ArrayList<>();
    for (int k = 0; k < repeats; k++) {
      for (int i = 0; i < limit; i++) {
        int v = (int) ((long) i * variants / limit) + (variants / limit >= 2 ? i % 2 : 0);
        out.add(items.get(k * variants + Math.min(v, variants - 1)));
      }
    }
    return out;
  }

  /** n (object, style) pairs spread over the world: pair i is object i mod objects in style i x styles / n. */
  static List<ToyEval.Item> sample(World w, int n) {
    List<ToyEval.Item> all = ToyEval.allPairs(w, 1);
    List<ToyEval.Item> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int ob = i % w.numObjects();
      int st = (int) ((long) i * w.numStyles() / n);
      for (ToyEval.Item it : all) if (it.object() == ob && it.style() == st) out.add(it);
    }
    return out;
  }

  /** {@link ToyEval#run}'s seeding: chunk c of 64 items draws its latents from seed + c. */
  private static void add(List<PromptRow> rows, String set, List<ToyEval.Item> items, long seed) {
    int chunk = 64;
    for (int i = 0; i < items.size(); i++) {
      ToyEval.Item it = items.get(i);
      int start = i / chunk * chunk;
      int batch = Math.min(chunk, items.size() - start);
      rows.add(new PromptRow(rows.size(), it.prompt(), seed + i / chunk, null, batch, i - start,
          Map.of("set", set, "object", Integer.toString(it.object()), "style", Integer.toString(it.style()))));
    }
  }
}
