package org.conceptprune.cli;

import java.nio.file.Path;
import org.conceptprune.revival.Locations;
import org.conceptprune.revival.Magnitude;
import org.conceptprune.revival.RevivalSettings;
import org.conceptprune.util.UserError;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Mixin of {@code revive} and {@code attack --method revival}: the revival attack's settings under one
 * set of names. The defaults are field values, not {@code defaultValue}s, so that an old option name a
 * command still reads (revive's {@code --seed}, {@code --iterations}) is not overwritten by the default
 * picocli applies to an option not given.
 */
public final class RevivalOptions {
  @Option(names = "--locations", paramLabel = "zeros|bottom:F|row-bottom:F|row-top:F|PATCH",
      description = "Where the revival writes: the exact zeros of each ff.net.2 weight (default); the adaptive attacker's bottom-|W| set, per layer (bottom:F, the F·numel smallest) or per row (row-bottom:F); per row the largest |W| (row-top:F, against flip); or the masks of a mask patch (*.mask.safetensors) made for this model or the model it was pruned from.")
  String locations = "zeros";

  @Option(names = "--top-ratio", paramLabel = "R",
      description = "Fraction of the revival's completed locations whose sign is kept, in (0, 1] (default ${DEFAULT-VALUE}, the paper's).")
  double topRatio = 0.6;

  @Option(names = "--magnitude", paramLabel = "M", converter = MagnitudeConverter.class,
      description = "Size of a revived weight: max (just above the row's largest weight; the paper's, default), ave (the row's mean |w|) or sample (|N(μ, σ)| of the row).")
  Magnitude magnitude = Magnitude.MAX;

  @Option(names = "--revival-seed", paramLabel = "N",
      description = "Seed of the revival's torch CPU generator, which runs across all layers (default ${DEFAULT-VALUE}).")
  long seed = 2021;

  @Option(names = "--completion-iterations", paramLabel = "N", description = "Most iterations of the revival's completion of a layer (default ${DEFAULT-VALUE}).")
  int iterations = 500;

  @Option(names = "--tolerance", paramLabel = "T",
      description = "Stop the revival's completion of a layer when its relative change falls below this (default 1e-5).")
  double tolerance = 1e-5;

  @Option(names = "--sign-from", paramLabel = "ORIGINAL",
      description = "The revival's upper bound, not an attack: every location takes the sign of the unpruned model ORIGINAL (no completion, no top-k); in attack, 'base' means --base.")
  String signFrom;

  /** The settings record the revival runs with (it checks the values). */
  RevivalSettings settings() {
    return new RevivalSettings(topRatio, magnitude, seed, iterations, tolerance);
  }

  Locations where() {
    return Locations.parse(locations);
  }

  Path signFromPath() {
    return signFrom == null ? null : Path.of(signFrom);
  }

  static final class MagnitudeConverter implements ITypeConverter<Magnitude> {
    @Override
    public Magnitude convert(String s) {
      try {
        return Magnitude.parse(s);
      } catch (UserError e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
