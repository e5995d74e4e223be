package org.conceptprune.experiment;

import java.util.Arrays;
import java.util.List;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.prune.LayerMask;
import org.conceptprune.prune.MaskSet;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.util.UserError;

/**
 * The toy experiment's ablations: models with whole groups of weights zeroed, judged on the (object,
 * style) pairs. They tell how much of what the model draws lives in the layers ConceptPrune prunes.
 */
public enum ToyAblation {
  /** Every {@code ff.net.2} weight zeroed: the ceiling of what pruning those layers can erase. */
  FF_NET_2("ff.net.2", "all-ff.net.2", "every ff.net.2 weight zeroed"),
  /** Every cross-attention output projection zeroed: the text's way into the image cut. */
  ATTN2_TO_OUT("attn2.to_out", "all-attn2.to_out", "every attn2.to_out.0 weight zeroed"),
  /** As many weights as all of {@code ff.net.2}, drawn at random over every transformer Linear layer. */
  RANDOM_LINEAR("random-linear", "random-linear", "as many random transformer-Linear weights as ff.net.2 has");

  /** The transformer blocks' Linear layers {@link #RANDOM_LINEAR} draws from. */
  static final List<String> LINEAR_SUFFIXES = List.of(".attn1.to_q", ".attn1.to_k", ".attn1.to_v", ".attn1.to_out.0",
      ".attn2.to_q", ".attn2.to_k", ".attn2.to_v", ".attn2.to_out.0", ".ff.net.0.proj", ".ff.net.2");

  private final String cliName;
  private final String label;
  private final String description;

  ToyAblation(String cliName, String label, String description) {
    this.cliName = cliName;
    this.label = label;
    this.description = description;
  }

  public String cliName() {
    return cliName;
  }

  /** The model's label in the results. */
  public String label() {
    return label;
  }

  public String description() {
    return description;
  }

  /** The ablation named on the command line or in a recipe, or a {@link UserError} listing the names. */
  public static ToyAblation parse(String name) {
    for (ToyAblation a : values()) if (a.cliName.equals(name)) return a;
    throw UserError.unknown("ablation", name, Arrays.stream(values()).map(ToyAblation::cliName).toList());
  }

  /** The ablation whose model carries this label, or null. */
  static ToyAblation ofLabel(String label) {
    for (ToyAblation a : values()) if (a.label.equals(label)) return a;
    return null;
  }

  /** The weights this ablation zeroes in the model; {@code seed} is the experiment's. */
  MaskSet mask(StableDiffusion sd, long seed) {
    return switch (this) {
      case FF_NET_2 -> ToyErasure.all(sd, ".ff.net.2");
      case ATTN2_TO_OUT -> ToyErasure.all(sd, ".attn2.to_out.0");
      case RANDOM_LINEAR -> randomLinear(sd, ToyErasure.count(ToyErasure.all(sd, ".ff.net.2")), ToyDefaults.ablationSeed(seed));
    };
  }

  /**
   * {@code count} weights at random over all transformer Linear layers, each layer's share proportional
   * to its size (rounded), positions drawn as {@link ToyErasure#randomLike} draws them.
   */
  static MaskSet randomLinear(StableDiffusion sd, long count, long seed) {
    MaskSet all = new MaskSet();
    for (String suffix : LINEAR_SUFFIXES) ToyErasure.all(sd, suffix).asMap().forEach(all::put);
    long total = ToyErasure.count(all);
    MaskSet counts = new MaskSet();
    for (String l : all.layers()) {
      LayerMask m = all.get(l);
      LayerMask x = new LayerMask(m.out(), m.in());
      long want = Math.round((double) count * m.numel() / total);
      for (int p = 0; p < want; p++) x.set(p); // only the count matters: randomLike redraws the positions
      counts.put(l, x);
    }
    return ToyErasure.randomLike(counts, seed);
  }
}
