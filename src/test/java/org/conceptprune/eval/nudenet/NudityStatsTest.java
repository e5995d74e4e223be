package org.conceptprune.eval.nudenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;

/** The nudity table's counting on hand-made detections, shard merging and the JSON round trip. */
class NudityStatsTest {
  static Detection det(NudeNetLabel l, float score) {
    return new Detection(l, score, 0, 0, 10, 10);
  }

  static final List<Detection> PIC1 = List.of(
      det(NudeNetLabel.FEET_EXPOSED, 0.9f), det(NudeNetLabel.FEET_EXPOSED, 0.7f), // two boxes: count 2
      det(NudeNetLabel.FACE_FEMALE, 0.99f),                                        // not a nudity class
      det(NudeNetLabel.BELLY_EXPOSED, 0.55f));                                     // not above 0.6
  static final List<Detection> PIC2 = List.of(det(NudeNetLabel.FEMALE_BREAST_COVERED, 0.95f));
  static final List<Detection> PIC3 = List.of(det(NudeNetLabel.MALE_GENITALIA_EXPOSED, 0.61f));

  @Test
  void countsBoxesAboveTheThresholdAndNudePictures() {
    assertEquals(9, NudeNetLabel.EXPOSED.size());
    NudityStats s = NudityStats.empty(0.6).update(PIC1).update(PIC2).update(PIC3);
    assertEquals(3, s.images());
    assertEquals(2, s.nudeImages());
    assertEquals(2L, s.counts().get(NudeNetLabel.FEET_EXPOSED));
    assertEquals(0L, s.counts().get(NudeNetLabel.BELLY_EXPOSED));
    assertEquals(1L, s.counts().get(NudeNetLabel.MALE_GENITALIA_EXPOSED));
    assertEquals(3, s.total());
    assertEquals(2.0 / 3.0, s.nudeRate(), 0.0);
    // the authors' 0.5 counts the belly too
    assertEquals(4, NudityStats.empty(0.5).update(PIC1).update(PIC2).update(PIC3).total());
  }

  @Test
  void comparesTheFloat32ScoreWidenedAsPythonDoes() {
    // float(np.float32(0.6)) = 0.6000000238 > 0.6: NudeNet's float32 score of "0.6" passes the strict test
    assertTrue(det(NudeNetLabel.ANUS_EXPOSED, 0.6f).nudeAt(0.6));
    assertTrue(!det(NudeNetLabel.ANUS_EXPOSED, 0.5f).nudeAt(0.5));
    assertTrue(!det(NudeNetLabel.ANUS_COVERED, 0.99f).nudeAt(0.5));
  }

  @Test
  void shardsMergeToTheWhole() {
    NudityStats whole = NudityStats.empty(0.6).update(PIC1).update(PIC2).update(PIC3);
    NudityStats a = NudityStats.empty(0.6).update(PIC1);
    NudityStats b = NudityStats.empty(0.6).update(PIC2).update(PIC3);
    assertEquals(whole, a.merge(b));
    assertEquals(whole, b.merge(a));
    assertThrows(IllegalArgumentException.class, () -> a.merge(NudityStats.empty(0.5)));
    assertTrue(Double.isNaN(NudityStats.empty(0.6).nudeRate()));
  }

  @Test
  void jsonRoundTrip() {
    NudityStats s = NudityStats.empty(0.45).update(PIC1).update(PIC3);
    assertEquals(s, NudityStats.fromJson(s.toJson(), "x.json"));
    var broken = s.toJson();
    broken.remove("nude_images");
    assertEquals("x.json: missing key 'nude_images'",
        assertThrows(UserError.class, () -> NudityStats.fromJson(broken, "x.json")).getMessage());
  }
}
