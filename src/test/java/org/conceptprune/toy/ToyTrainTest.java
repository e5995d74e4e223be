package org.conceptprune.toy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.conceptprune.nn.Conv2d;
import org.conceptprune.nn.GroupNorm;
import org.conceptprune.nn.Linear;
import org.conceptprune.nn.Module;
import org.conceptprune.nn.Ops;
import org.conceptprune.nn.Parameter;
import org.conceptprune.nn.Scope;
import org.conceptprune.runtime.TorchRuntime;
import org.conceptprune.toy.train.AdamW;
import org.conceptprune.toy.train.Checkpoints;
import org.conceptprune.toy.train.Ema;
import org.conceptprune.toy.train.Grads;
import org.conceptprune.toy.train.Losses;
import org.conceptprune.toy.train.ParamInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyTrainTest {

  /** Linear -> silu -> Linear, the hidden step inside a Scope (intermediates closed on return). */
  static final class Mlp extends Module {
    final Linear a = child("a", new Linear(4, 16, true));
    final Linear b = child("b", new Linear(16, 2, true));

    NDArray forward(NDArray x) {
      NDArray h = Scope.run(x, () -> Ops.silu(a.forward(x)));
      return b.forward(h);
    }
  }

  /** Conv -> GroupNorm -> silu -> Conv, in a Scope. */
  static final class ConvNet extends Module {
    final Conv2d c1 = child("conv_in", new Conv2d(2, 8, 3, 1, 1));
    final GroupNorm n = child("norm", new GroupNorm(4, 8, 1e-5f));
    final Conv2d c2 = child("conv_out", new Conv2d(8, 1, 3, 1, 1));

    NDArray forward(NDArray x) {
      NDArray h = Scope.run(x, () -> Ops.silu(n.forward(c1.forward(x))));
      return c2.forward(h);
    }
  }

  private static float[] randn(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
    return v;
  }

  @Test
  void autogradMatchesAnalyticGradientOfLinear() {
    try (NDManager m = TorchRuntime.newManager()) {
      Linear lin = new Linear(3, 2, true);
      ParamInit.init(lin, m, 1);
      Grads.requireGrad(lin);
      SplittableRandom r = new SplittableRandom(2);
      NDArray x = m.create(randn(r, 15), new Shape(5, 3));
      NDArray y = m.create(randn(r, 10), new Shape(5, 2));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray loss = Scope.run(x, () -> Losses.mse(lin.forward(x), y));
        gc.backward(loss);
      }
      NDArray g = Grads.gradient(lin.weight());
      assertNotNull(g);
      // d/dW mean((xW^T + b - y)^2) = 2/(N*out) (pred - y)^T x
      NDArray pred = x.matMul(lin.weight().value().transpose()).add(lin.parameters().get("bias").value());
      NDArray expect = pred.sub(y).transpose().matMul(x).mul(2f / 10f);
      assertArrayEquals(expect.toFloatArray(), g.toFloatArray(), 1e-5f);

      // a second backward without a step accumulates (torch semantics); zero() clears
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(Losses.mse(lin.forward(x), y));
      }
      assertArrayEquals(expect.mul(2f).toFloatArray(), Grads.gradient(lin.weight()).toFloatArray(), 1e-5f);
      Grads.zero(lin);
      assertEquals(0f, Grads.gradient(lin.weight()).abs().sum().getFloat(), 0f);
    }
  }

  @Test
  void adamWReducesLossOfMlpThroughScopes() {
    try (NDManager m = TorchRuntime.newManager()) {
      Mlp net = new Mlp();
      ParamInit.init(net, m, 7);
      SplittableRandom r = new SplittableRandom(3);
      NDArray x = m.create(randn(r, 64 * 4), new Shape(64, 4));
      // target: a fixed nonlinear function of x
      NDArray y = x.get(":, 0:2").mul(x.get(":, 2:4")).add(x.get(":, 0:2").sin());
      AdamW opt = new AdamW(net, 1e-2f, 0.9f, 0.999f, 1e-8f, 1e-4f).clipGradNorm(10f);
      float first = Float.NaN;
      float last = Float.NaN;
      for (int i = 0; i < 300; i++) {
        try (NDManager step = m.newSubManager()) {
          x.tempAttach(step);
          y.tempAttach(step);
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = Losses.mse(net.forward(x), y);
            gc.backward(loss);
            last = loss.getFloat();
            if (i == 0) first = last;
          }
          opt.step();
        }
      }
      System.out.println("mlp (AdamW, scoped forward): loss " + first + " -> " + last);
      assertTrue(last < first / 20, "loss " + first + " -> " + last);
      assertEquals(300, opt.steps());
    }
  }

  @Test
  void convGroupNormRegressionLossFallsAndEmaTracks() {
    try (NDManager m = TorchRuntime.newManager()) {
      ConvNet net = new ConvNet();
      ParamInit.init(net, m, 11);
      SplittableRandom r = new SplittableRandom(4);
      NDArray x = m.create(randn(r, 8 * 2 * 8 * 8), new Shape(8, 2, 8, 8));
      // target: a 3x3 box blur of channel 0 minus channel 1 (a linear conv the net can represent)
      NDArray y = x.get(":, 0:1").sub(x.get(":, 1:2")).mul(0.5f);
      AdamW opt = new AdamW(net, 5e-3f, 0.9f, 0.999f, 1e-8f, 0f);
      Ema ema = new Ema(net, 0.9f);
      float first = Float.NaN;
      float last = Float.NaN;
      for (int i = 0; i < 150; i++) {
        try (NDManager step = m.newSubManager()) {
          x.tempAttach(step);
          y.tempAttach(step);
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = Losses.mse(net.forward(x), y);
            gc.backward(loss);
            last = loss.getFloat();
            if (i == 0) first = last;
          }
          opt.step();
          ema.update();
        }
      }
      System.out.println("conv+groupnorm: loss " + first + " -> " + last);
      assertTrue(last < first / 5, "loss " + first + " -> " + last);
      float[] live = net.c2.parameters().get("weight").value().toFloatArray();
      ema.swap();
      float[] shadow = net.c2.parameters().get("weight").value().toFloatArray();
      float loss = Losses.mse(net.forward(x), y).getFloat();
      ema.swap();
      assertArrayEquals(live, net.c2.parameters().get("weight").value().toFloatArray(), 0f);
      double diff = 0;
      for (int i = 0; i < live.length; i++) diff = Math.max(diff, Math.abs(live[i] - shadow[i]));
      assertTrue(diff > 0 && diff < 0.5, "EMA differs from live weights by " + diff);
      System.out.println("EMA weights: loss " + loss + ", max |ema - live| " + diff);
      assertTrue(loss < first / 3, "EMA weights' loss " + loss);
    }
  }

  @Test
  void initIsSeededAndPyTorchLike() {
    try (NDManager m = TorchRuntime.newManager()) {
      ConvNet a = new ConvNet();
      ConvNet b = new ConvNet();
      ConvNet c = new ConvNet();
      ParamInit.init(a, m, 5);
      ParamInit.init(b, m, 5);
      ParamInit.init(c, m, 6);
      Map<String, Parameter> pa = a.parameters();
      for (String k : pa.keySet()) {
        assertArrayEquals(pa.get(k).value().toFloatArray(), b.parameters().get(k).value().toFloatArray(), 0f, k);
      }
      float[] w = pa.get("conv_in.weight").value().toFloatArray();
      float bound = (float) (1 / Math.sqrt(2 * 9));
      float max = 0;
      for (float v : w) max = Math.max(max, Math.abs(v));
      assertTrue(max <= bound && max > 0.8f * bound);
      assertTrue(pa.get("conv_in.bias").value().abs().sum().getFloat() == 0f);
      assertEquals(8f, pa.get("norm.weight").value().sum().getFloat(), 0f);
      assertTrue(pa.get("norm.bias").value().abs().sum().getFloat() == 0f);
      assertTrue(c.parameters().get("conv_in.weight").value().sub(pa.get("conv_in.weight").value()).abs().sum().getFloat() > 0);
    }
  }

  @Test
  void saveLoadRoundTrip(@TempDir Path dir) throws Exception {
    try (NDManager m = TorchRuntime.newManager()) {
      ConvNet a = new ConvNet();
      ParamInit.init(a, m, 9);
      Path f = dir.resolve("net.safetensors");
      Checkpoints.save(a, f, Map.of("kind", "test"));
      assertTrue(Files.size(f) > 0);
      ConvNet b = new ConvNet();
      Checkpoints.load("convnet", b, f, m);
      for (Map.Entry<String, Parameter> e : a.parameters().entrySet()) {
        assertArrayEquals(e.getValue().value().toFloatArray(), b.parameters().get(e.getKey()).value().toFloatArray(), 0f);
      }
    }
  }

  @Test
  void lossWeightsAndStepBudget() {
    // Min-SNR-5 for v-prediction: min(snr, 5) / (snr + 1); plain v: 1
    assertEquals(0.01 / 1.01, ToyTrainer.LossWeight.MIN_SNR.at(0.01), 1e-12);
    assertEquals(0.5, ToyTrainer.LossWeight.MIN_SNR.at(1), 1e-12);
    assertEquals(5.0 / 21, ToyTrainer.LossWeight.MIN_SNR.at(20), 1e-12);
    assertEquals(1.0, ToyTrainer.LossWeight.V.at(0.01), 0);
    assertEquals(0.25, ToyTrainer.progress(100, 400, 1e6, 1), 0);
    assertEquals(0.5, ToyTrainer.progress(100, 0, 30, 1), 0);
  }

  @Test
  void textWidthIsTheCrossAttentionDim() {
    ToyDesign d = ToyDesign.defaults().withTextHidden(8);
    assertEquals(8, d.textHidden());
    assertTrue(d.unetConfig().contains("\"cross_attention_dim\": 8,"), d.unetConfig());
    assertTrue(d.textConfig().contains("\"hidden_size\": 8,") && d.textConfig().contains("\"intermediate_size\": 32,"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> d.withTextHidden(7));
  }

  /** Two step-budgeted runs with the same seed write identical weights; a VAE is reused on request. */
  @Test
  void stepBudgetedTrainingIsReproducible(@TempDir Path dir) throws Exception {
    ToyDesign d = ToyDesign.defaults();
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    ToyTrainer.train(new ToyTrainer.Options(a, 3, 0, 0, d, 4, 1e-3, ToyTrainer.LossWeight.V, 3, 2), s -> {});
    Files.createDirectories(b.resolve("vae"));
    Files.copy(a.resolve(ToyTrainer.VAE_FILE), b.resolve(ToyTrainer.VAE_FILE));
    Files.copy(a.resolve("vae/config.json"), b.resolve("vae/config.json"));
    ToyTrainer.train(new ToyTrainer.Options(b, 3, 0, 0, d, 4, 1e-3, ToyTrainer.LossWeight.V, 0, 2), s -> {});
    for (String f : new String[] {ToyTrainer.UNET_FILE, ToyTrainer.TEXT_FILE}) {
      try (var x = org.conceptprune.io.safetensors.SafetensorsFile.open(a.resolve(f));
          var y = org.conceptprune.io.safetensors.SafetensorsFile.open(b.resolve(f))) {
        assertEquals(x.tensors().keySet(), y.tensors().keySet(), f);
        for (String k : x.tensors().keySet()) assertEquals(x.bytes(k), y.bytes(k), f + " " + k + " differs");
      }
    }
    assertEquals("2", metadata(a.resolve(ToyTrainer.UNET_FILE)).get("toy_steps"));
    try (org.conceptprune.pipeline.StableDiffusion sd = org.conceptprune.pipeline.StableDiffusion.loadFolder(a)) {
      assertEquals(16, sd.unet.config.crossAttentionDim()[0]);
    }
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ToyTrainer.train(
        new ToyTrainer.Options(dir.resolve("none"), 3, 0, 0, d, 4, 1e-3, ToyTrainer.LossWeight.V, 0, 2), s -> {}));
  }

  static Map<String, String> metadata(Path f) {
    try (var x = org.conceptprune.io.safetensors.SafetensorsFile.open(f)) {
      return x.metadata();
    }
  }
}
