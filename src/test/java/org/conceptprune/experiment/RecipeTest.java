package org.conceptprune.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --experiment NAME|RECIPE.json}: the names, the recipe file, and how it fills unset options. */
class RecipeTest {
  @TempDir Path tmp;

  @Test
  void namesParseAndAnUnknownOneListsThemAll() {
    for (ExperimentKind k : ExperimentKind.values()) assertEquals(k, ExperimentKind.parse(k.cliName()));
    assertEquals(ExperimentKind.ART_STYLE, ExperimentKind.Choice.parse("art-style").kind());
    UserError e = assertThrows(UserError.class, () -> ExperimentKind.Choice.parse("objects"));
    assertEquals("unknown experiment 'objects' (toy, object, nudity, art-style, gender, coco)", e.getMessage());
  }

  @Test
  void aJsonPathIsARecipeWhoseKeysFillWhatTheCommandLineLeftUnset() throws Exception {
    Path f = tmp.resolve("r.json");
    Files.writeString(f, "{\"experiment\": \"toy\", \"target\": \"zorbly\", \"steps\": 7, \"seed\": 3, \"group\": {\"g\": \"a+b\"}}");
    ExperimentKind.Choice c = ExperimentKind.Choice.parse(f.toString());
    assertNull(c.kind());
    Recipe r = c.readRecipe();
    assertEquals(ExperimentKind.TOY, r.kind());
    assertEquals(List.of("zorbly"), r.strings("target", null));
    assertEquals(Map.of("g", "a+b"), r.map("group"));
    EvalOptions given = new EvalOptions(null, null, null, null, null, null, null, null, null, 2.5, null, null, null, 9L, null, null);
    EvalOptions filled = r.fill(given);
    assertEquals(List.of("zorbly"), filled.targets());
    assertEquals(7, filled.steps());
    assertEquals(2.5, filled.guidance());
    assertEquals(9L, filled.seed()); // the command line wins
    assertEquals(Recipe.NONE.fill(given), given);
  }

  @Test
  void aBadRecipeIsOneClearError() throws Exception {
    assertEquals(tmp.resolve("none.json") + ": no such recipe file",
        assertThrows(UserError.class, () -> ExperimentKind.Choice.parse(tmp.resolve("none.json").toString()).readRecipe()).getMessage());
    Path f = Files.writeString(tmp.resolve("x.json"), "{\"target\": \"zorbly\"}");
    assertEquals(f + ": the recipe names no \"experiment\"", assertThrows(UserError.class, () -> Recipe.read(f)).getMessage());
  }
}
