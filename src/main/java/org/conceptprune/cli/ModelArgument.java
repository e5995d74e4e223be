package org.conceptprune.cli;

import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** Mixin: the MODEL positional parameter, a diffusers pipeline folder. */
public final class ModelArgument {
  @Parameters(index = "0", paramLabel = "MODEL",
      description = "A diffusers model folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, ...).")
  Path model;
}
