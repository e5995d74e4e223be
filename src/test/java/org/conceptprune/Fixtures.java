package org.conceptprune;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates the test fixtures copied into src/test/resources (no ../shared needed). */
public final class Fixtures {
  private Fixtures() {}

  /** @param rel a path under src/test/resources, e.g. "fixtures/golden-sd1/unet.safetensors" */
  public static Path path(String rel) {
    URL u = Fixtures.class.getClassLoader().getResource(rel);
    if (u == null) throw new IllegalStateException("test resource missing: " + rel);
    try {
      return Path.of(u.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Path tinySd() {
    return path("fixtures/tiny-sd");
  }

  public static Path golden(String file) {
    return path("fixtures/golden-sd1/" + file);
  }
}
