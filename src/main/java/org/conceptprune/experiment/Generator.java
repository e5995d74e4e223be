package org.conceptprune.experiment;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.conceptprune.eval.image.ImageFiles;
import org.conceptprune.eval.image.PngText;
import org.conceptprune.pipeline.GenerationSettings;
import org.conceptprune.pipeline.PromptRow;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.pipeline.TextToImage;
import org.conceptprune.pipeline.TorchRandom;
import org.conceptprune.prune.Pruner;
import org.conceptprune.util.Progress;

/**
 * Generates the missing images of one model, with its mask applied. A row whose latents are slot s
 * of a batch drawn from one seed is generated with the other selected rows of that batch, so a
 * batch that is whole gives the same pixels as the uninterrupted run; a row of batch 1 is generated
 * alone. Every image is a PNG with its prompt, seed and settings in text chunks.
 */
final class Generator {
  private Generator() {}

  /**
   * @param wanted the selected rows this model generates
   * @param all every row of the prompt set: a batch is always drawn and sampled whole, so any
   *     selection (shard, limit, a resumed run) gives the same pixels as the full run
   * @return images written
   */
  static int run(StableDiffusion sd, ModelVariant model, String identity, List<PromptRow> wanted, List<PromptRow> all,
      GenerationSettings g, ImageStore store, Progress bar) {
    Map<String, List<PromptRow>> members = new LinkedHashMap<>();
    for (PromptRow r : all) if (r.batch() > 1) members.computeIfAbsent(key(r, g), k -> new ArrayList<>()).add(r);
    Map<String, List<PromptRow>> groups = groups(model, wanted, g, store);
    int todo = groups.values().stream().mapToInt(List::size).sum();
    if (todo == 0) return 0;
    try (Pruner.Applied applied = model.mask() == null ? null : Pruner.apply(sd.unet, model.mask())) {
      for (Map.Entry<String, List<PromptRow>> e : groups.entrySet()) {
        List<PromptRow> batch = new ArrayList<>(members.getOrDefault(e.getKey(), e.getValue()));
        batch.sort((a, b) -> Integer.compare(a.slot(), b.slot()));
        generate(sd, model, identity, batch, e.getValue(), g, store);
        bar.advance(e.getValue().size());
      }
    }
    return todo;
  }

  /** How many of {@code wanted} this model still has to generate. */
  static int missing(ModelVariant model, List<PromptRow> wanted, GenerationSettings g, ImageStore store) {
    return groups(model, wanted, g, store).values().stream().mapToInt(List::size).sum();
  }

  /** The missing rows by batch key (key -> rows to write). */
  private static Map<String, List<PromptRow>> groups(ModelVariant model, List<PromptRow> wanted, GenerationSettings g, ImageStore store) {
    Map<String, List<PromptRow>> groups = new LinkedHashMap<>();
    for (PromptRow r : wanted) {
      if (!store.done(model.label(), r.index())) groups.computeIfAbsent(key(r, g), k -> new ArrayList<>()).add(r);
    }
    return groups;
  }

  /** Rows drawn from one seed together: same seed, batch and guidance; a batch-1 row is its own group. */
  private static String key(PromptRow r, GenerationSettings g) {
    return r.batch() == 1 ? "row " + r.index() : g.seedOf(r) + "/" + r.batch() + "/" + g.guidanceOf(r);
  }

  /** Samples {@code group} (slot order) in one batch and writes the images of {@code write}. */
  private static void generate(StableDiffusion sd, ModelVariant model, String identity, List<PromptRow> group,
      List<PromptRow> write, GenerationSettings g, ImageStore store) {
    PromptRow first = group.get(0);
    long seed = g.seedOf(first);
    double guidance = g.guidanceOf(first);
    int scale = sd.vae.config.scaleFactor();
    int width = g.width() > 0 ? g.width() : sd.unet.config.sampleSize() * scale;
    int height = g.height() > 0 ? g.height() : sd.unet.config.sampleSize() * scale;
    int per = sd.unet.config.inChannels() * (height / scale) * (width / scale);
    float[] drawn = TorchRandom.randn(seed, first.batch() * per); // torch.randn([batch, C, h, w], seed)
    float[] latents = new float[group.size() * per];
    List<String> prompts = new ArrayList<>();
    for (int i = 0; i < group.size(); i++) {
      System.arraycopy(drawn, group.get(i).slot() * per, latents, i * per, per);
      prompts.add(group.get(i).prompt());
    }
    var req = new TextToImage.Request(prompts, null, g.steps(), guidance, g.scheduler(), width, height, seed, latents, true);
    TextToImage.Result r = TextToImage.run(sd, req, new TextToImage.Listener() {});
    for (int i = 0; i < group.size(); i++) {
      PromptRow row = group.get(i);
      if (!write.contains(row)) continue;
      BufferedImage img = ImageFiles.toImage(r.images(), i, r.height(), r.width());
      Map<String, String> text = new TreeMap<>();
      text.put("prompt", row.prompt());
      text.put("seed", Long.toString(seed));
      if (row.batch() > 1) text.put("latents", "slot " + row.slot() + " of torch.randn([" + row.batch() + ", C, h, w]) from the seed");
      text.put("guidance", Double.toString(guidance));
      text.put("steps", Integer.toString(g.steps()));
      text.put("scheduler", g.scheduler() == null ? "model" : g.scheduler().cliName());
      text.put("size", r.width() + "x" + r.height());
      text.put("model", model.label() + " (content " + identity + ")"); // no path: the bytes must not depend on where the model lies

      text.put("mask", model.maskSource());
      text.put("row", Integer.toString(row.index()));
      text.put("Software", "conceptprune evaluate");
      PngText.write(img, text, store.png(model.label(), row.index()));
      store.record(model.label(), row, seed, guidance);
    }
  }
}
