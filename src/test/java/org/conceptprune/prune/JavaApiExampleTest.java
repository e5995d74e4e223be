package org.conceptprune.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conceptprune.Fixtures;
import org.conceptprune.util.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Use from Java" example, run as written on the tiny SD-1 fixture; no cli class is used. */
class JavaApiExampleTest {
  @TempDir Path tmp;

  @Test
  void theReadmeExampleRuns() throws Exception {
    Path model = Fixtures.tinySd();
    Path out = tmp.resolve("no-van-gogh");
    // --- the README's block, verbatim between the markers ---
    ConceptFamily family = ConceptFamily.ART_STYLE;
    ConceptSpec vanGogh = new ConceptSpec("Van Gogh", family, family.prompts("Van Gogh", List.of("cat", "dog")),
        0.05, 3);
    Erasure.Request request = Erasure.Request.of(model, List.of(vanGogh), new ConceptPruneMethod(0, Variant.SKILLED),
        out); // OUT.mask.safetensors, OUT.report.json and OUT.stats/ beside OUT, as prune writes them
    Erasure.Result result = Erasure.run(request, ProgressListener.printing(new PrintWriter(System.err, true)));
    System.out.println(result.masks().overall() + " in " + result.unetCalls() + " UNet calls");
    // --- end of the block ---
    assertEquals(6, result.unetCalls(), "2 pairs x t̂ 3");
    assertTrue(result.masks().overall().pruned() > 0);
    assertTrue(Files.isDirectory(out.resolve("unet")));
    assertEquals(result.masks().overall().pruned(), MaskPatch.read(tmp.resolve("no-van-gogh.mask.safetensors")).masks().overall().pruned());
    assertTrue(Files.exists(tmp.resolve("no-van-gogh.report.json")));
    assertReadmeHasTheSameBlock();
  }

  /** The README's example is the block above, line for line (indentation aside). */
  private static void assertReadmeHasTheSameBlock() throws Exception {
    Path readme = Path.of("README.md");
    if (!Files.exists(readme)) return; // the README is at the module root when Maven runs the tests
    String r = Files.readString(readme);
    String block = r.substring(r.indexOf("<!-- JAVA EXAMPLE -->"), r.indexOf("<!-- END JAVA EXAMPLE -->"));
    block = block.substring(block.indexOf("```java") + 7, block.lastIndexOf("```")).strip();
    String src = Files.readString(Path.of("src/test/java/org/conceptprune/prune/JavaApiExampleTest.java"));
    String mine = src.substring(src.indexOf("verbatim between the markers ---") + 32, src.indexOf("    // --- end of the block"));
    assertEquals(normalise(block), normalise(mine), "README.md's Java example and this test differ");
  }

  private static String normalise(String s) {
    return s.strip().replaceAll("(?m)^\\s+", "");
  }
}
