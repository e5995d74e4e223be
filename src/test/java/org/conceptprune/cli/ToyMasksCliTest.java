package org.conceptprune.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.conceptprune.prune.MaskPatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code toy masks}: its patches record t̂ under the key prune and mask write, {@code timesteps}. */
class ToyMasksCliTest {
  @TempDir Path tmp;

  @Test
  void patchesCarryTheSettingsKeysOfPruneAndMask() throws Exception {
    CliRun r = CliRun.of("toy", "masks", "--concept", "zorbly", "--k", "0.05", "--timesteps", "2", "--out", tmp.toString());
    assertEquals(0, r.code(), r.err());
    for (String f : new String[] {"cp-k0.05.mask.safetensors", "random-k0.05.mask.safetensors"}) {
      MaskPatch p = MaskPatch.read(tmp.resolve(f));
      JsonNode s = new ObjectMapper().readTree(p.metadata().get(MaskPatch.SETTINGS));
      assertEquals("zorbly", s.get("concept").asText(), f);
      assertEquals(0.05, s.get("k").asDouble(), f);
      assertEquals(2, s.get("timesteps").asInt(), f);
      assertFalse(s.has("t_hat"), f);
      assertEquals("toy masks", s.get("source").asText(), f);
    }
  }
}
