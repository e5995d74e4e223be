package org.conceptprune.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Option;

/** Mixin: {@code --json} for machine-readable output. */
public final class JsonOption {
  static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;
}
