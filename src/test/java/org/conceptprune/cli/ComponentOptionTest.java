package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code random-init --components}: names of weighted components, parsed by picocli's converter. */
class ComponentOptionTest {
  @TempDir Path tmp;

  @Test
  void anUnknownComponentIsOneErrorLineAndNothingIsWritten() {
    Path out = tmp.resolve("o");
    CliRun r = CliRun.of("random-init", "sd15", out.toString(), "--components", "unet,tokenizer").assertUserError("'--components'");
    assertEquals("error: Invalid value for option '--components' (NAME): unknown component 'tokenizer' (unet, vae, text_encoder or text_encoder_2)"
        + " (see 'conceptprune random-init --help')", r.err().strip());
    assertFalse(Files.exists(out));
  }
}
