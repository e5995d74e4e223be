package org.conceptprune.pipeline;

import java.util.Map;

/**
 * One prompt of an evaluation set.
 *
 * @param index the row's position in its set (0-based): its image is {@code <index>.png}
 * @param seed the row's own seed, or null when the set has none (then the run's --seed + index)
 * @param guidance the row's own guidance scale, or null (then the run's --guidance)
 * @param batch, slot the initial latents are slice {@code slot} of {@code torch.randn([batch, C, h, w])}
 *     drawn from the seed (batch 1, slot 0 for one image per seed; the toy world draws 64 at a time)
 * @param fields every other column by name (class, artist, categories, case_number, ...)
 */
public record PromptRow(int index, String prompt, Long seed, Double guidance, int batch, int slot,
    Map<String, String> fields) {
  public PromptRow {
    if (batch < 1 || slot < 0 || slot >= batch) throw new IllegalArgumentException("slot " + slot + " of batch " + batch);
    fields = Map.copyOf(fields);
  }

  public PromptRow(int index, String prompt, Long seed, Double guidance, Map<String, String> fields) {
    this(index, prompt, seed, guidance, 1, 0, fields);
  }

  public String field(String name) {
    return fields.get(name);
  }
}
