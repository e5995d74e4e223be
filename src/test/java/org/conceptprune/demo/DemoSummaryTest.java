package org.conceptprune.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.conceptprune.experiment.ResultRow;
import org.conceptprune.toy.World;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {
  private static ResultRow row(String model, String subject, String metric, double v) {
    return new ResultRow(model, "toy", subject, metric, v, v - 0.1, v + 0.1, 8);
  }

  /** Concepts with ConceptPrune's erased accuracy after: the featured one is the median by the stated rule. */
  private static DemoSummary summary(List<String> names, double... cpAfter) {
    List<ResultRow> rows = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String c = names.get(i);
      rows.add(row("base", c, "erased_acc", 1.0));
      rows.add(row(c + "-cp", c, "erased_acc", cpAfter[i]));
      rows.add(row(c + "-fia", c, "erased_acc", cpAfter[i] / 2));
      rows.add(row(c + "-random", c, "erased_acc", 1.0));
      for (String m : List.of("base", c + "-cp", c + "-fia", c + "-random")) {
        rows.add(row(m, c, "others_style_acc", 0.9));
        rows.add(row(m, c, "others_object_acc", 0.8));
      }
    }
    return DemoSummary.of(rows, names, World.classic(), java.util.Map.of());
  }

  @Test
  void featuredIsTheMedianConceptTiesInTheWorldsOrder() {
    // sorted: quenth 0.1, zorbly 0.5, heart 0.5, wobbet 0.9 -> the lower middle one (index 1 of 4): zorbly
    assertEquals("zorbly", summary(List.of("zorbly", "quenth", "heart", "wobbet"), 0.5, 0.1, 0.5, 0.9).featured());
    // odd count: the middle one
    assertEquals("heart", summary(List.of("zorbly", "quenth", "heart"), 0.9, 0.1, 0.5).featured());
  }

  @Test
  void methodRowsAreMeansMediansAndQuartilesOverTheConcepts() {
    DemoSummary s = summary(List.of("zorbly", "quenth", "heart", "wobbet"), 0.5, 0.1, 0.5, 0.9);
    DemoSummary.Method cp = s.methods().get(0);
    assertEquals("ConceptPrune", cp.name());
    assertEquals(0.5, cp.after().value(), 1e-12);
    assertEquals(0.5, cp.median(), 1e-12);
    assertEquals(0.4, cp.q1(), 1e-12); // numpy.quantile([0.1, 0.5, 0.5, 0.9], 0.25)
    assertEquals(0.6, cp.q3(), 1e-12);
    assertEquals(4, cp.after().n());
    // others kept: a style's other styles, an object's other objects
    assertEquals(0.9, s.concept("zorbly").othersAfter().get("cp").value(), 1e-12);
    assertEquals(0.8, s.concept("heart").othersAfter().get("cp").value(), 1e-12);
    assertEquals((0.9 * 3 + 0.8) / 4, cp.othersAfter().value(), 1e-12);
  }
}
