package org.conceptprune.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.conceptprune.pipeline.StableDiffusion;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.toy.train.ParamInit;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a toy model folder says about its world (toy_world.json) and judge (judge/), and a crowded smoke run. */
class ToyModelFolderTest {
  static final World CROWDED = World.crowded(120, 0);

  @Test
  void worldFileRoundTripAndAbsentMeansClassic(@TempDir Path dir) throws Exception {
    assertSame(World.classic(), ToyModel.world(dir));
    ToyModel.writeWorld(dir, CROWDED);
    assertEquals("{\n  \"world\" : \"crowded:120:0\"\n}\n", Files.readString(dir.resolve(ToyModel.WORLD_FILE)));
    assertSame(CROWDED, ToyModel.world(dir));
    ToyModel.writeWorld(dir, World.classic());
    assertSame(World.classic(), ToyModel.world(dir));
    Files.writeString(dir.resolve(ToyModel.WORLD_FILE), "{\"world\": \"crowded:x:0\"}");
    assertTrue(assertThrows(UserError.class, () -> ToyModel.world(dir)).getMessage().contains("integers"));
    Files.writeString(dir.resolve(ToyModel.WORLD_FILE), "{\"wrld\": \"classic\"}");
    String m = assertThrows(UserError.class, () -> ToyModel.world(dir)).getMessage();
    assertTrue(m.contains(ToyModel.WORLD_FILE) && m.contains("crowded:N:SEED"), m);
    Files.writeString(dir.resolve(ToyModel.WORLD_FILE), "{not json");
    assertTrue(assertThrows(UserError.class, () -> ToyModel.world(dir)).getMessage().contains("not JSON"));
  }

  /** A judge with random weights for a world, saved as TrainJudge saves one. */
  static void saveJudge(World w, Path dir) {
    JudgeNet net = new JudgeNet(JudgeNet.Config.defaults(w));
    try (NDManager m = TorchRuntime.newManager()) {
      ParamInit.init(net, m, 1);
      ToyJudge.save(net, ToyJudge.configOf(w, net.config(), Map.of()), dir);
    }
  }

  @Test
  void worldJudgeMismatchIsAClearError(@TempDir Path dir) {
    Path model = dir.resolve("model");
    ToyModel.writeWorld(model, CROWDED);
    // a crowded model without judge/
    String none = assertThrows(UserError.class, () -> ToyModel.judge(model)).getMessage();
    assertTrue(none.contains("has no judge") && none.contains("toy judge --world crowded:120:0"), none);
    // a classic judge in a crowded model's judge/
    saveJudge(World.classic(), model.resolve(ToyModel.JUDGE_DIR));
    String m = assertThrows(UserError.class, () -> ToyModel.judge(model)).getMessage();
    assertTrue(m.contains("classic toy world (6 objects, 16 styles)") && m.contains("crowded:120:0 (6 objects, 120 styles)"), m);
    // same style count, other names
    saveJudge(World.crowded(120, 1), model.resolve(ToyModel.JUDGE_DIR));
    m = assertThrows(UserError.class, () -> ToyModel.judge(model)).getMessage();
    assertTrue(m.contains("crowded:120:1") && m.contains("names"), m);
    // the right judge loads, knows 120 styles and names its world
    saveJudge(CROWDED, model.resolve(ToyModel.JUDGE_DIR));
    try (ToyJudge j = ToyModel.judge(model)) {
      assertEquals(120, j.config().styles().size());
      assertEquals("crowded:120:0", j.config().worldName());
      ToyJudge.Result r = j.classify(ToyRenderer.render(CROWDED, 1, 100, new java.util.SplittableRandom(0)), 1);
      assertEquals(120, r.numStyles());
    }
    // the crowded judge is refused for a classic model
    String c = assertThrows(UserError.class, () -> ToyJudge.load(model.resolve(ToyModel.JUDGE_DIR))).getMessage();
    assertTrue(c.contains("crowded:120:0 toy world (6 objects, 120 styles)") && c.contains("classic (6 objects, 16 styles)"), c);
  }

  /** toy train on the crowded world for 2 VAE + 2 UNet steps: toy_world.json, loadable, evaluable with its judge. */
  @Test
  void crowdedSmokeTraining(@TempDir Path dir) {
    Path model = dir.resolve("m");
    ToyTrainer.train(new ToyTrainer.Options(model, 3, 0, 0, ToyDesign.defaults(), 4, 1e-3, ToyTrainer.LossWeight.V, 2, 2,
        CROWDED, null), s -> {});
    assertSame(CROWDED, ToyModel.world(model));
    saveJudge(CROWDED, model.resolve(ToyModel.JUDGE_DIR));
    Path half = dir.resolve("half");
    HalfExport.write(model, half);
    assertSame(CROWDED, ToyModel.world(half));
    assertTrue(Files.isRegularFile(half.resolve(ToyModel.JUDGE_DIR).resolve(ToyJudge.WEIGHTS)));
    List<ToyEval.Item> pairs = ToyEval.allPairs(CROWDED, 1);
    assertEquals(720, pairs.size());
    assertEquals(6, ToyEval.asking(CROWDED, true, 7, 1).size());
    assertEquals(CROWDED.style(7).name(), ToyEval.calibration(CROWDED, true, 7).target().get(0).split(" ")[3]);
    try (StableDiffusion sd = StableDiffusion.loadFolder(half); ToyJudge j = ToyModel.judge(half)) {
      ToyEval.Judged r = ToyEval.run(sd, j, pairs.subList(100, 103), 0, new ToyEval.Sampling(2, 4.0));
      assertEquals(3, r.result().size());
      assertEquals(120, r.result().numStyles());
    }
  }
}
