package org.conceptprune.io.checkpoint;

import java.util.Arrays;
import org.conceptprune.util.UserError;

/** The weighted components of a Stable Diffusion pipeline, with their diffusers folder names. */
public enum Component {
  UNET("unet"), VAE("vae"), TEXT_ENCODER("text_encoder"), TEXT_ENCODER_2("text_encoder_2");

  public final String diffusersName;

  Component(String diffusersName) {
    this.diffusersName = diffusersName;
  }

  /** The component of this diffusers name ({@code unet}, ...), or a {@link UserError} listing the names. */
  public static Component of(String name) {
    for (Component c : values()) if (c.diffusersName.equals(name)) return c;
    throw UserError.unknown("component", name, Arrays.stream(values()).map(c -> c.diffusersName).toList());
  }

  /** Whether a model_index.json entry of this name is a weighted component. */
  public static boolean isWeighted(String name) {
    for (Component c : values()) if (c.diffusersName.equals(name)) return true;
    return false;
  }

  /** A transformers CLIP text model (as opposed to a diffusers model). */
  public boolean isTextEncoder() {
    return this == TEXT_ENCODER || this == TEXT_ENCODER_2;
  }

  /** Its weights file's name in a diffusers folder, without {@code .safetensors}: {@code model} or {@code diffusion_pytorch_model}. */
  public String weightsBaseName() {
    return isTextEncoder() ? "model" : "diffusion_pytorch_model";
  }

  @Override
  public String toString() {
    return diffusersName;
  }
}
