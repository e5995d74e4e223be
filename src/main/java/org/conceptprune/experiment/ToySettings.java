package org.conceptprune.experiment;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.conceptprune.toy.ToyDefaults;
import org.conceptprune.toy.clip.ToyClip;

/**
 * The toy experiment's settings as given on the command line (null or empty: the recipe's value, else
 * {@link ToyDefaults}).
 *
 * @param groups --group NAME=C1+C2 as name -> "C1+C2"
 * @param ablations --ablation (empty: the recipe's "ablation" names, else the ceiling, all ff.net.2)
 */
public record ToySettings(List<String> targets, Double k, Integer timesteps, Integer perConcept, Long seed,
    List<Double> sweepK, List<Integer> sweepT, boolean fia, Map<String, String> groups, Integer othersEvery,
    Integer othersSample, List<ToyAblation> ablations, Integer objectsPerStyle) {
  /** The default concepts: a style and an object of the classic world. */
  static final List<String> DEFAULT_TARGETS = List.of("zorbly", "heart");

  /**
   * @param specs the models given (the first is the base; none: the shipped toy model)
   * @param clip the CLIP of the evaluation options (null: the model's toy CLIP)
   */
  ToyExperiment.Options resolve(Recipe r, List<Evaluation.ModelSpec> specs, Path clip) {
    Path base = specs.isEmpty() ? null : specs.get(0).model(); // its toy_world.json and judge/, if any
    return new ToyExperiment.Options(targets != null ? targets : r.strings("target", DEFAULT_TARGETS),
        k != null ? k : r.dbl("k", ToyDefaults.K),
        timesteps != null ? timesteps : (int) r.dbl("timesteps", ToyDefaults.T_HAT),
        perConcept != null ? perConcept : (int) r.dbl("images-per-concept", ToyDefaults.IMAGES_PER_CONCEPT),
        seed != null ? seed : (long) r.dbl("seed", 0),
        sweepK != null ? sweepK : r.doubles("sweep-k"),
        sweepT != null ? sweepT : r.doubles("sweep-timesteps").stream().map(Double::intValue).toList(), ablations(r),
        base, clip != null ? clip : ToyClip.forModel(base), fia || r.bool("fia"), groups(r),
        othersEvery != null ? othersEvery : (int) r.dbl("others-every", 1),
        othersSample != null ? othersSample : (int) r.dbl("others-sample", 0), (int) r.dbl("asking-limit", 0), true,
        objectsPerStyle != null ? objectsPerStyle : (int) r.dbl("objects-per-style", 0));
  }

  private List<ToyAblation> ablations(Recipe r) {
    if (ablations != null && !ablations.isEmpty()) return ablations;
    return r.strings("ablation", List.of(ToyAblation.FF_NET_2.cliName())).stream().map(ToyAblation::parse).toList();
  }

  /** --group NAME=C1+C2 (or the recipe's "group": {"NAME": "C1+C2"}) as name -> concepts. */
  private Map<String, List<String>> groups(Recipe r) {
    Map<String, String> g = new LinkedHashMap<>(groups);
    if (g.isEmpty()) g.putAll(r.map("group"));
    Map<String, List<String>> out = new LinkedHashMap<>();
    g.forEach((name, v) -> out.put(name, List.of(v.split("\\+"))));
    return out;
  }
}
