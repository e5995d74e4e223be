package org.conceptprune.io.checkpoint;

import org.conceptprune.util.UserError;

/** The weighted components of a Stable Diffusion pipeline, with their diffusers folder names. */
public enum Component {
  UNET("unet"), VAE("vae"), TEXT_ENCODER("text_encoder"), TEXT_ENCODER_2("text_encoder_2");

  public final String diffusersName;

  Component(String diffusersName) {
    this.diffusersName = diffusersName;
  }

  public static Component of(String name) {
    for (Component c : values()) if (c.diffusersName.equals(name)) return c;
    throw new UserError("unknown component '" + name + "' (unet, vae, text_encoder, text_encoder_2)");
  }

  /** Whether a model_index.json entry of this name is a weighted component. */
  public static boolean isWeighted(String name) {
    for (Component c : values()) if (c.diffusersName.equals(name)) return true;
    return false;
  }

  @Override
  public String toString() {
    return diffusersName;
  }
}
