package org.conceptprune.schedule;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import org.conceptprune.util.UserError;

/**
 * The keys of a diffusers {@code scheduler_config.json} that the four samplers read.
 *
 * <p>A freshly parsed config holds exactly the keys present in the file; an absent key is {@code null}.
 * Like {@code S.from_config(cfg)} in diffusers, {@link #withDefaults(SchedulerKind)} fills the absent
 * keys with the defaults of that scheduler class's {@code __init__}; the defaults differ per class
 * (DDIM: set_alpha_to_one=true, clip_sample=true; PNDM/DDIM: timestep_spacing=leading; Euler/DPM:
 * linspace). Every key has a diffusers default, so no key is required; what this class refuses (with
 * a {@link UserError} naming the file and the key) is a value of the wrong type, an unknown value, or
 * a feature this port does not implement (Karras/exponential/beta/lu/flow sigmas, thresholding,
 * zero-SNR rescaling), which would otherwise silently change the schedule.
 */
public record SchedulerConfig(
    String source,
    String className,
    Integer numTrainTimesteps,
    Double betaStart,
    Double betaEnd,
    String betaSchedule,
    double[] trainedBetas,
    String predictionType,
    String timestepSpacing,
    Integer stepsOffset,
    Boolean setAlphaToOne,
    Boolean skipPrkSteps,
    Boolean clipSample,
    Double clipSampleRange,
    String finalSigmasType,
    Boolean lowerOrderFinal,
    Boolean eulerAtFinal,
    Integer solverOrder,
    String algorithmType,
    String solverType,
    String interpolationType,
    String timestepType,
    Double lambdaMinClipped) {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** Boolean keys whose {@code true} selects a feature that is not implemented here. */
  private static final String[] UNSUPPORTED_FLAGS = {
    "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas", "use_lu_lambdas",
    "use_flow_sigmas", "thresholding", "rescale_betas_zero_snr", "use_dynamic_shifting"
  };

  /** Reads and parses a scheduler_config.json. */
  public static SchedulerConfig load(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (NoSuchFileException e) {
      throw new UserError(file + ": no such file");
    } catch (IOException e) {
      throw new UserError(file + ": not valid JSON (" + e.getMessage() + ")", e);
    }
    return parse(root, file.toString());
  }

  /** Parses a JSON object; {@code source} names it in error messages. */
  static SchedulerConfig parse(JsonNode root, String source) {
    if (root == null || !root.isObject()) throw new UserError(source + ": expected a JSON object");
    R r = new R(root, source);
    for (String flag : UNSUPPORTED_FLAGS) {
      Boolean b = r.bool(flag);
      if (b != null && b) throw new UserError(source + ": key '" + flag + "' = true is not supported");
    }
    return new SchedulerConfig(
        source,
        r.str("_class_name", null),
        r.integer("num_train_timesteps"),
        r.dbl("beta_start"),
        r.dbl("beta_end"),
        r.str("beta_schedule", Set.of("linear", "scaled_linear", "squaredcos_cap_v2")),
        r.doubles("trained_betas"),
        r.str("prediction_type", Set.of("epsilon", "v_prediction", "sample")),
        r.str("timestep_spacing", Set.of("leading", "linspace", "trailing")),
        r.integer("steps_offset"),
        r.bool("set_alpha_to_one"),
        r.bool("skip_prk_steps"),
        r.bool("clip_sample"),
        r.dbl("clip_sample_range"),
        r.str("final_sigmas_type", Set.of("zero", "sigma_min")),
        r.bool("lower_order_final"),
        r.bool("euler_at_final"),
        r.integer("solver_order"),
        r.str("algorithm_type", Set.of("dpmsolver++", "dpmsolver")),
        r.str("solver_type", Set.of("midpoint", "heun")),
        r.str("interpolation_type", Set.of("linear")),
        r.str("timestep_type", Set.of("discrete")),
        r.dbl("lambda_min_clipped"));
  }

  /**
   * This config as {@code kind}'s class would see it: absent keys take that class's diffusers 0.35.2
   * {@code __init__} defaults. Keys the class does not have are still carried but not read.
   */
  public SchedulerConfig withDefaults(SchedulerKind kind) {
    boolean ddim = kind == SchedulerKind.DDIM;
    boolean sigmaBased = kind == SchedulerKind.EULER || kind == SchedulerKind.DPMPP_2M;
    SchedulerConfig c = new SchedulerConfig(
        source,
        kind.className(),
        or(numTrainTimesteps, 1000),
        or(betaStart, 0.0001),
        or(betaEnd, 0.02),
        or(betaSchedule, "linear"),
        trainedBetas,
        or(predictionType, "epsilon"),
        or(timestepSpacing, sigmaBased ? "linspace" : "leading"),
        or(stepsOffset, 0),
        or(setAlphaToOne, ddim),
        or(skipPrkSteps, false),
        or(clipSample, ddim),
        or(clipSampleRange, 1.0),
        or(finalSigmasType, "zero"),
        or(lowerOrderFinal, true),
        or(eulerAtFinal, false),
        or(solverOrder, 2),
        or(algorithmType, "dpmsolver++"),
        or(solverType, "midpoint"),
        or(interpolationType, "linear"),
        or(timestepType, "discrete"),
        or(lambdaMinClipped, Double.NEGATIVE_INFINITY));
    if (c.numTrainTimesteps() < 2) throw c.bad("num_train_timesteps", "must be at least 2");
    if (c.trainedBetas() != null && c.trainedBetas().length != c.numTrainTimesteps())
      throw c.bad("trained_betas", "has " + c.trainedBetas().length + " values, num_train_timesteps is "
          + c.numTrainTimesteps());
    if (kind == SchedulerKind.DPMPP_2M) {
      if (c.solverOrder() < 1 || c.solverOrder() > 2)
        throw c.bad("solver_order", "only 1 and 2 are supported, got " + c.solverOrder());
      if (!c.algorithmType().equals("dpmsolver++") && c.finalSigmasType().equals("zero"))
        throw c.bad("final_sigmas_type", "'zero' needs algorithm_type dpmsolver++ (as in diffusers)");
    }
    if (kind == SchedulerKind.PNDM && c.predictionType().equals("sample"))
      throw c.bad("prediction_type", "PNDMScheduler supports epsilon and v_prediction only");
    return c;
  }

  UserError bad(String key, String why) {
    return new UserError(source + ": key '" + key + "' " + why);
  }

  private static <T> T or(T v, T dflt) {
    return v != null ? v : dflt;
  }

  /** Typed, checked access to optional keys. */
  private record R(JsonNode root, String source) {
    private JsonNode get(String key) {
      JsonNode n = root.get(key);
      return n == null || n.isNull() ? null : n;
    }

    private UserError type(String key, String want) {
      return new UserError(source + ": key '" + key + "' must be " + want + ", got " + root.get(key));
    }

    Integer integer(String key) {
      JsonNode n = get(key);
      if (n == null) return null;
      if (!n.canConvertToInt() || !(n.isIntegralNumber() || n.asDouble() == Math.rint(n.asDouble())))
        throw type(key, "an integer");
      return n.asInt();
    }

    Double dbl(String key) {
      JsonNode n = get(key);
      if (n == null) return null;
      if (!n.isNumber()) throw type(key, "a number");
      return n.asDouble();
    }

    Boolean bool(String key) {
      JsonNode n = get(key);
      if (n == null) return null;
      if (!n.isBoolean()) throw type(key, "true or false");
      return n.asBoolean();
    }

    String str(String key, Set<String> allowed) {
      JsonNode n = get(key);
      if (n == null) return null;
      if (!n.isTextual()) throw type(key, "a string");
      String s = n.asText();
      if (allowed != null && !allowed.contains(s))
        throw new UserError(source + ": key '" + key + "' = '" + s + "' is not supported (expected one of "
            + allowed + ")");
      return s;
    }

    double[] doubles(String key) {
      JsonNode n = get(key);
      if (n == null) return null;
      if (!n.isArray()) throw type(key, "a list of numbers");
      double[] out = new double[n.size()];
      for (int i = 0; i < out.length; i++) {
        if (!n.get(i).isNumber()) throw type(key, "a list of numbers");
        out[i] = n.get(i).asDouble();
      }
      return out;
    }
  }
}
