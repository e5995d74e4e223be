package org.conceptprune.cli;

import org.conceptprune.eval.nudenet.NudeNetVersion;
import org.conceptprune.util.UserError;
import picocli.CommandLine;

/** {@code 3.0.8} / {@code 3.4}: picocli's converter for {@link NudeNetVersion}, one error line otherwise. */
public final class NudeNetVersionConverter implements CommandLine.ITypeConverter<NudeNetVersion> {
  @Override
  public NudeNetVersion convert(String value) {
    try {
      return NudeNetVersion.parse(value);
    } catch (UserError e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
