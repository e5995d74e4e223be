package org.conceptprune.cli;

import org.conceptprune.eval.nudenet.NudeNetVersion;

/** {@code 3.0.8} / {@code 3.4}: picocli's converter for {@link NudeNetVersion}, one error line otherwise. */
public final class NudeNetVersionConverter extends Converters.Of<NudeNetVersion> {
  public NudeNetVersionConverter() {
    super(NudeNetVersion::parse);
  }
}
