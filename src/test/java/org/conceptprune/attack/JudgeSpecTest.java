package org.conceptprune.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;

/** {@code --judge} values: parsed once into a kind and a path, written back the same way. */
class JudgeSpecTest {
  @Test
  void parsesEveryKind() {
    assertSame(JudgeSpec.TOY, JudgeSpec.parse("toy"));
    assertEquals(new JudgeSpec(JudgeKind.CLASSIFY, Path.of("w/resnet50.pth")), JudgeSpec.parse("classify:w/resnet50.pth"));
    assertEquals(new JudgeSpec(JudgeKind.NUDITY, Path.of("detector.onnx")), JudgeSpec.parse("nudity:detector.onnx"));
    assertEquals(new JudgeSpec(JudgeKind.CLIP, Path.of("clip")), JudgeSpec.parse("clip:clip"));
    assertEquals(new JudgeSpec(JudgeKind.STYLE, Path.of("C:/vit")), JudgeSpec.parse("style:C:/vit"));
    assertEquals("style:C:/vit", JudgeSpec.parse("style:C:/vit").toString());
    assertEquals("toy", JudgeSpec.TOY.toString());
  }

  @Test
  void badValuesSayWhatIsWrong() {
    assertEquals("unknown judge 'Toy' (toy, classify:WEIGHTS, nudity:ONNX, clip:DIR or style:DIR)",
        assertThrows(UserError.class, () -> JudgeSpec.parse("Toy")).getMessage());
    assertEquals("the nudity judge needs a path: nudity:ONNX", assertThrows(UserError.class, () -> JudgeSpec.parse("nudity")).getMessage());
    assertEquals("the toy judge takes no path (it is the toy model's own), got 'toy:'",
        assertThrows(UserError.class, () -> JudgeSpec.parse("toy:")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new JudgeSpec(JudgeKind.CLIP, null));
  }
}
