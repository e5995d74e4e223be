package org.conceptprune.io.checkpoint;

import java.util.List;

/**
 * The Stable Diffusion families whose single-file checkpoints we read and write. Which one a file is
 * follows from its text encoder prefixes (SingleFile.detect in model/checkpoint); whether it predicts epsilon or
 * v cannot be read from the weights and comes from the config the caller passes.
 */
public enum SdArch {
  /** SD-1.x: CLIP ViT-L text encoder under {@code cond_stage_model.transformer.}. */
  SD1("sd15", List.of(Component.UNET, Component.VAE,
      Component.TEXT_ENCODER)),
  /** SD-2.x: OpenCLIP ViT-H text encoder under {@code cond_stage_model.model.}. */
  SD2("sd21", List.of(Component.UNET, Component.VAE,
      Component.TEXT_ENCODER)),
  /** SDXL base: CLIP ViT-L ({@code conditioner.embedders.0}) and OpenCLIP bigG ({@code .1}). */
  SDXL("sdxl", List.of(Component.UNET, Component.VAE,
      Component.TEXT_ENCODER, Component.TEXT_ENCODER_2));

  /** Folder of the default diffusers configs under {@code conceptprune/configs/}. */
  public final String configName;

  public final List<Component> components;

  SdArch(String configName, List<Component> components) {
    this.configName = configName;
    this.components = components;
  }
}
