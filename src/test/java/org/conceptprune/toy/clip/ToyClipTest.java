package org.conceptprune.toy.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.model.clip.ClipTextConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The toy CLIP: training reproduces from its seed, and the shipped one knows the toy world. */
class ToyClipTest {

  @Test
  void trainingIsDeterministicAndWritesAClipModelFolder(@TempDir Path dir) throws Exception {
    ToyClipDesign small = new ToyClipDesign(16, 1, 2, 16, 1, 2, 8, 16);
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    ToyClipTrainer.train(new ToyClipTrainer.Options(a, 5, 3, 8, 1e-3, small), s -> {});
    ToyClipTrainer.train(new ToyClipTrainer.Options(b, 5, 3, 8, 1e-3, small), s -> {});
    for (String f : List.of("config.json", "preprocessor_config.json", "vocab.json", "merges.txt", ToyClipTrainer.WEIGHTS)) {
      assertTrue(Files.isRegularFile(a.resolve(f)), f);
    }
    try (SafetensorsFile fa = SafetensorsFile.open(a.resolve(ToyClipTrainer.WEIGHTS));
        SafetensorsFile fb = SafetensorsFile.open(b.resolve(ToyClipTrainer.WEIGHTS))) {
      assertEquals(fa.tensors().keySet(), fb.tensors().keySet());
      assertTrue(fa.tensors().containsKey("logit_scale") && fa.tensors().containsKey("text_projection.weight")
          && fa.tensors().containsKey("vision_model.embeddings.patch_embedding.weight"));
      for (String k : fa.tensors().keySet()) assertEquals(fa.bytes(k), fb.bytes(k), k);
      assertEquals("3", fa.metadata().get("toy_clip_steps"));
    }
    ClipTextConfig text = ToyClipText.config(a);
    assertEquals(16, text.hiddenSize());
  }

  @Test
  void theShippedToyClipKnowsObjectsAndStylesOfHeldOutPairs() {
    // 1 render per pair of fresh seeds: 88 training pairs, 8 held-out pairs never seen in training.
    ToyClipEval.Report r = ToyClipEval.run(ToyClip.extractBundled(), 4242, 1, System.out::println);
    assertTrue(r.object() >= MIN_OBJECT && r.heldOutObject() >= MIN_OBJECT, r.describe());
    assertTrue(r.style() >= MIN_STYLE && r.heldOutStyle() >= MIN_STYLE, r.describe());
  }

  static final double MIN_OBJECT = 0.9;
  static final double MIN_STYLE = 0.9;
}
