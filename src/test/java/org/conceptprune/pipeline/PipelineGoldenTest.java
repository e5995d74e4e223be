package org.conceptprune.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.conceptprune.Check;
import org.conceptprune.Fixtures;
import org.conceptprune.io.safetensors.SafetensorsFile;
import org.conceptprune.schedule.SchedulerKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The four full diffusers pipelines on tiny-sd: latents after every step, UNet outputs, images. */
class PipelineGoldenTest {
  static final List<String> PROMPTS = List.of("a photo of an astronaut riding a horse on mars",
      "A painting of a squirrel eating a burger");
  static StableDiffusion sd;

  @BeforeAll
  static void load() {
    sd = StableDiffusion.loadFolder(Fixtures.tinySd());
  }

  @AfterAll
  static void close() {
    sd.close();
  }

  @ParameterizedTest
  @CsvSource({"pndm,PNDM", "ddim,DDIM", "euler,Euler", "dpmpp-2m,DPMpp2M"})
  void fullPipelineMatchesDiffusers(String cli, String file) {
    try (SafetensorsFile g = SafetensorsFile.open(Fixtures.golden("pipeline_" + file + ".safetensors"))) {
      List<float[]> latents = new ArrayList<>();
      List<float[]> outs = new ArrayList<>();
      var req = new TextToImage.Request(PROMPTS, null, 10, 7.5, SchedulerKind.fromCli(cli), 0, 0, 0,
          g.floats("initial_latents"), true);
      TextToImage.Result r = TextToImage.run(sd, req, new TextToImage.Listener() {
        @Override
        public boolean afterCall(int call, float[] l, float[] u) {
          latents.add(l);
          outs.add(u);
          return true;
        }
      });
      float[] goldLat = g.floats("latents_per_step");
      float[] goldOut = g.floats("unet_out_per_step");
      int steps = (int) g.info("latents_per_step").shape()[0];
      assertEquals(steps, r.calls(), "UNet calls");
      int per = goldLat.length / steps;
      int perOut = goldOut.length / steps;
      for (int i = 0; i < steps; i++) {
        Check.close(file + " unet_out step " + i, java.util.Arrays.copyOfRange(goldOut, i * perOut, (i + 1) * perOut), outs.get(i), 1e-4);
        Check.close(file + " latents step " + i, java.util.Arrays.copyOfRange(goldLat, i * per, (i + 1) * per), latents.get(i), 1e-4);
      }
      Check.close(file + " image", g.floats("image"), r.images(), 1e-4);
    }
  }
}
