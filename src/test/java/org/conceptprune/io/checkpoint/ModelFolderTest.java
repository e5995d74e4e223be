package org.conceptprune.io.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.conceptprune.Fixtures;
import org.conceptprune.io.checkpoint.ModelFolder.TextEncoderSlot;
import org.conceptprune.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFolderTest {
  @TempDir Path tmp;

  @Test
  void tinySdIndex() {
    ModelFolder mf = ModelFolder.open(Fixtures.tinySd());
    ModelIndex ix = mf.index();
    assertEquals("StableDiffusionPipeline", ix.pipelineClass());
    assertEquals(new ModelIndex.Entry("diffusers", "UNet2DConditionModel"), ix.component("unet"));
    assertTrue(ix.components().containsKey("safety_checker"));
    assertNull(ix.component("safety_checker")); // [null, null]
    assertEquals(List.of("scheduler", "text_encoder", "tokenizer", "unet", "vae"), ix.present());
    assertNull(ix.forceZerosForEmptyPrompt());
    assertFalse(ix.zerosForEmptyPrompt());
    assertEquals(List.of(new TextEncoderSlot("text_encoder", "tokenizer")), mf.textEncoders());
    assertEquals("scheduler_config.json", mf.configFile("scheduler").getFileName().toString());
    assertEquals("tokenizer_config.json", mf.configFile("tokenizer").getFileName().toString());
    assertEquals(32, mf.config("text_encoder").reqInt("hidden_size"));
    assertTrue(mf.hasWeights("unet"));
    assertFalse(mf.hasWeights("tokenizer"));
  }

  @Test
  void sdxlIndexHasTwoTextEncoders() throws IOException {
    Files.writeString(tmp.resolve("model_index.json"), """
        {"_class_name": "StableDiffusionXLPipeline", "_diffusers_version": "0.35.2",
         "force_zeros_for_empty_prompt": true, "image_encoder": [null, null],
         "scheduler": ["diffusers", "EulerDiscreteScheduler"],
         "text_encoder": ["transformers", "CLIPTextModel"],
         "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
         "tokenizer": ["transformers", "CLIPTokenizer"], "tokenizer_2": ["transformers", "CLIPTokenizer"],
         "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"]}""");
    ModelFolder mf = ModelFolder.open(tmp);
    assertTrue(mf.index().isSdxl());
    assertTrue(mf.index().zerosForEmptyPrompt());
    assertEquals(List.of(new TextEncoderSlot("text_encoder", "tokenizer"), new TextEncoderSlot("text_encoder_2", "tokenizer_2")),
        mf.textEncoders());
    UserError e = assertThrows(UserError.class, () -> mf.componentDir("text_encoder_2"));
    assertTrue(e.getMessage().contains("text_encoder_2") && e.getMessage().contains("missing"), e.getMessage());
    e = assertThrows(UserError.class, () -> mf.componentDir("feature_extractor"));
    assertTrue(e.getMessage().contains("no component 'feature_extractor'"), e.getMessage());
  }

  @Test
  void errorsNameFileAndKey() throws IOException {
    Path f = tmp.resolve("model_index.json");
    Files.writeString(f, "{\"unet\": [\"diffusers\", \"UNet2DConditionModel\"]}");
    UserError e = assertThrows(UserError.class, () -> ModelFolder.open(tmp));
    assertTrue(e.getMessage().contains("model_index.json") && e.getMessage().contains("'_class_name'"), e.getMessage());
    Files.writeString(f, "{\"_class_name\": \"X\", \"unet\": [\"diffusers\"]}");
    e = assertThrows(UserError.class, () -> ModelFolder.open(tmp));
    assertTrue(e.getMessage().contains("'unet'"), e.getMessage());
    Files.writeString(f, "{\"_class_name\": \"X\", \"text_encoder\": [\"transformers\", \"CLIPTextModel\"]}");
    e = assertThrows(UserError.class, () -> ModelFolder.open(tmp).textEncoders());
    assertTrue(e.getMessage().contains("'tokenizer'"), e.getMessage());
    e = assertThrows(UserError.class, () -> ModelFolder.open(tmp.resolve("nope")));
    assertTrue(e.getMessage().contains("no such model folder"), e.getMessage());
  }
}
